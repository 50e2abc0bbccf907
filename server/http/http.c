/*
 * libmicrohttpd glue. MHD runs a pool of worker threads; each request
 * gets a struct vx_req in MHD's per-request slot, filled while the body
 * arrives and freed in the completion callback, which also writes the
 * request's log line. The only shared state here is the in-flight
 * counter used to drain at shutdown.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "app.h"
#include "config.h"
#include "eval/ipaddr.h"
#include "http/cors.h"
#include "http/router.h"
#include "log.h"
#include "obs/obs.h"
#include "util.h"
#include "vx_alloc.h"

struct vx_http {
    struct MHD_Daemon *daemon;
    struct vx_app *app;
    atomic_int in_flight;
    atomic_uint next_id;
};

/* Per-request bookkeeping beyond what handlers see. */
struct request_state {
    struct vx_req req;
    struct vx_http *http;
    int status;
    size_t bytes;
    int replied;
    size_t seen;      /* body bytes received, kept or not */
    int64_t start_us; /* for the duration in the operator metrics */
};

/* The most body bytes read before giving up on a client. */
#define DISCARD_MAX ((size_t)64 * 1024 * 1024)

static const struct {
    int code, status;
    const char *name;
} error_map[] = {
    {VX_EINVAL, 400, "BadDataError"},
    {VX_EUNAUTH, 401, "AuthenticationRequired"},
    {VX_EFORBIDDEN, 403, "NoAccessError"},
    {VX_ENOTFOUND, 404, "NotFoundError"},
    {VX_ECONFLICT, 409, "NameExistsError"},
    {VX_ETOOLARGE, 413, "ContentTooLargeError"},
    {VX_EMEDIA, 415, "ContentTypeError"},
    {VX_EDB, 500, "InternalError"},
    {VX_EINTERNAL, 500, "InternalError"},
};

int vx_http_status(int code)
{
    for (size_t i = 0; i < sizeof(error_map) / sizeof(error_map[0]); i++)
        if (error_map[i].code == code)
            return error_map[i].status;
    return 500;
}

/* The error name of the documented body for code. */
static const char *error_name(int code)
{
    for (size_t i = 0; i < sizeof(error_map) / sizeof(error_map[0]); i++)
        if (error_map[i].code == code)
            return error_map[i].name;
    return "InternalError";
}

void vx_reply_json(struct vx_reply *rep, int status, json_t *body)
{
    json_decref(rep->json);
    rep->status = status;
    rep->json = body;
}

void vx_reply_header(struct vx_reply *rep, const char *name, const char *value)
{
    if (rep->nheaders >= VX_MAX_HEADERS)
        return;
    rep->headers[rep->nheaders].name = name;
    rep->headers[rep->nheaders].value = vx_strdup(value);
    rep->nheaders++;
}

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n = s[0] < 0x80   ? 1
               : s[0] < 0xc2 ? 0
               : s[0] < 0xe0 ? 2
               : s[0] < 0xf0 ? 3
               : s[0] < 0xf5 ? 4
                             : 0;

    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0) ||
        (n == 3 && s[0] == 0xed && s[1] > 0x9f) ||
        (n == 4 && s[0] == 0xf0 && s[1] < 0x90) ||
        (n == 4 && s[0] == 0xf4 && s[1] > 0x8f))
        return 0;
    return n;
}

/*
 * A copy of s (caller frees) whose bytes that are not UTF-8 are '?':
 * messages quote request paths, which libmicrohttpd has percent-decoded
 * into any bytes, and JSON text must be UTF-8.
 */
static char *utf8_scrubbed(const char *s)
{
    char *out = vx_strdup(s ? s : "");

    for (unsigned char *p = (unsigned char *)out; *p;) {
        size_t n = utf8_len(p);

        if (n == 0)
            *p++ = '?';
        else
            p += n;
    }
    return out;
}

/* Set the documented error body: message, and detail with path. */
static void reply_body(struct vx_reply *rep, int status, const char *name,
                       const char *message, const char *detail_msg,
                       const char *path)
{
    char id[37];
    json_t *detail;
    char *msg = utf8_scrubbed(message), *dmsg = utf8_scrubbed(detail_msg);
    char *where = utf8_scrubbed(path);

    vx_uuid(id);
    detail = json_pack("{s:s}", "message", dmsg);
    if (where[0])
        json_object_set_new(detail, "path", json_string(where));
    vx_reply_json(rep, status,
                  json_pack("{s:s, s:s, s:s, s:[o]}", "id", id, "name", name,
                            "message", msg, "details", detail));
    free(msg);
    free(dmsg);
    free(where);
}

void vx_reply_problem(struct vx_reply *rep, int status, const char *name,
                      const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    reply_body(rep, status, name, msg, msg, NULL);
}

void vx_reply_err(struct vx_reply *rep, const struct vx_err *err)
{
    const char *msg = err->msg[0] ? err->msg : "unknown error";
    char full[640];

    if (err->code == VX_EINVAL) {
        snprintf(full, sizeof(full),
                 "Request validation failed: your request body or params "
                 "contain invalid data: %s",
                 msg);
    } else {
        snprintf(full, sizeof(full), "%s", msg);
    }
    reply_body(rep, vx_http_status(err->code), error_name(err->code), full, msg,
               err->path);
    if (vx_http_status(err->code) >= 500)
        vx_log_error("request failed", "error=\"%s\"", msg);
}

void vx_reply_error(struct vx_reply *rep, int code, const char *path,
                    const char *fmt, ...)
{
    struct vx_err err = {0};
    va_list ap;

    err.code = code;
    va_start(ap, fmt);
    vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
    va_end(ap);
    snprintf(err.path, sizeof(err.path), "%s", path ? path : "");
    vx_reply_err(rep, &err);
}

const char *vx_req_param(const struct vx_req *req, const char *name)
{
    size_t n = strlen(name);

    /* Names point into the route pattern and end at '/' or its end. */
    for (int i = 0; i < req->nparams; i++) {
        const char *p = req->param_names[i];

        if (!strncmp(p, name, n) && (p[n] == '/' || p[n] == '\0'))
            return req->param_values[i];
    }
    return NULL;
}

const char *vx_req_query(const struct vx_req *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

struct query_walk {
    const char *key;
    json_t *out;
};

static enum MHD_Result on_query_value(void *cls, enum MHD_ValueKind kind,
                                      const char *key, const char *value)
{
    struct query_walk *w = cls;

    (void)kind;
    if (value && !strcmp(key, w->key))
        json_array_append_new(w->out, json_string(value));
    return MHD_YES;
}

json_t *vx_req_query_all(const struct vx_req *req, const char *key)
{
    struct query_walk w = {key, json_array()};

    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, on_query_value,
                              &w);
    return w.out;
}

struct query_each {
    void (*fn)(void *arg, const char *key, const char *value);
    void *arg;
};

static enum MHD_Result on_query_each(void *cls, enum MHD_ValueKind kind,
                                     const char *key, const char *value)
{
    struct query_each *w = cls;

    (void)kind;
    w->fn(w->arg, key, value);
    return MHD_YES;
}

void vx_req_query_each(const struct vx_req *req,
                       void (*fn)(void *arg, const char *key,
                                  const char *value),
                       void *arg)
{
    struct query_each w = {fn, arg};

    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, on_query_each,
                              &w);
}

const char *vx_req_header(const struct vx_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

void vx_req_remote_addr(const struct vx_req *req, char *buf, size_t len)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    buf[0] = '\0';
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
                  (socklen_t)len);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
                  (socklen_t)len);
}

/*
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d), which a dual-stack
 * socket reports for an IPv4 caller, as the IPv4 address it stands for.
 */
static void unmap_ipv4(struct vx_ip_range *ip)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0,    0,
                                             0, 0, 0, 0, 0xff, 0xff};

    if (ip->family == 6 && !memcmp(ip->addr, mapped, sizeof(mapped))) {
        memmove(ip->addr, ip->addr + 12, 4);
        memset(ip->addr + 4, 0, 12);
        ip->family = 4;
        ip->prefix = 32;
    }
}

/*
 * Drop a port from an address as proxies may write it: "192.0.2.1:80"
 * (one colon: IPv4 with a port) or "[2001:db8::1]:80" (IPv6 in
 * brackets, with or without a port). A bare IPv6 address is left alone.
 */
static void strip_port(char *text)
{
    char *colon = strchr(text, ':'), *close;

    if (text[0] == '[') {
        close = strchr(text, ']');
        if (!close)
            return;
        memmove(text, text + 1, (size_t)(close - text - 1));
        text[close - text - 1] = '\0';
    } else if (colon && !strchr(colon + 1, ':')) {
        *colon = '\0';
    }
}

/* Parse the n bytes at s, spaces around ignored, as an address into ip. */
static bool parse_addr(const char *s, size_t n, struct vx_ip_range *ip)
{
    char text[64];

    while (n && *s == ' ') {
        s++;
        n--;
    }
    while (n && s[n - 1] == ' ')
        n--;
    if (n >= sizeof(text))
        return false;
    memcpy(text, s, n);
    text[n] = '\0';
    strip_port(text);
    if (!vx_ip_addr_parse(text, ip))
        return false;
    unmap_ipv4(ip);
    return true;
}

/* True when ip lies in one of the trusted proxy ranges of cfg. */
static bool trusted_proxy(const struct vx_config *cfg,
                          const struct vx_ip_range *ip)
{
    for (size_t i = 0; i < cfg->n_trusted_proxies; i++)
        if (vx_ip_in_range(ip, &cfg->trusted_proxies[i]))
            return true;
    return false;
}

/* ip as text into buf, or "" when it does not fit. */
static void addr_text(const struct vx_ip_range *ip, char *buf, size_t len)
{
    if (!inet_ntop(ip->family == 4 ? AF_INET : AF_INET6, ip->addr, buf,
                   (socklen_t)len))
        buf[0] = '\0';
}

/*
 * Gather every X-Forwarded-For header into cls (a struct vx_buf), in
 * the order received, joined by ',' as one list.
 */
static enum MHD_Result on_forwarded_for(void *cls, enum MHD_ValueKind kind,
                                        const char *key, const char *value)
{
    struct vx_buf *b = cls;

    (void)kind;
    if (key && value && !strcasecmp(key, "X-Forwarded-For")) {
        if (b->len)
            vx_buf_adds(b, ",");
        vx_buf_adds(b, value);
    }
    return MHD_YES;
}

/*
 * Walk the X-Forwarded-For list of req from the right, the hop nearest
 * to us first: each hop that is a trusted proxy passes on to the one it
 * names; the first that is not is the client. Leaves in *ip the client,
 * or the last trusted hop when the list ends or holds something that
 * is not an address.
 *
 * Entries with a port ("192.0.2.1:4711", "[2001:db8::1]:80") are read
 * without it.
 *
 * NEEDSWORK: the standard Forwarded header (RFC 7239) is not read;
 * proxies that send only that leave the proxy's address in place.
 */
static void walk_forwarded_for(const struct vx_req *req,
                               const struct vx_config *cfg,
                               struct vx_ip_range *ip)
{
    struct vx_buf list = {0};
    struct vx_ip_range hop;
    size_t end, start;

    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, on_forwarded_for,
                              &list);
    end = list.len;
    while (end > 0 && trusted_proxy(cfg, ip)) {
        start = end;
        while (start > 0 && list.buf[start - 1] != ',')
            start--;
        if (!parse_addr(list.buf + start, end - start, &hop))
            break;
        *ip = hop;
        end = start > 0 ? start - 1 : 0;
    }
    free(list.buf);
}

void vx_req_client_addr(const struct vx_req *req, char *buf, size_t len)
{
    const struct vx_config *cfg = req->app->cfg;
    struct vx_ip_range ip;

    vx_req_remote_addr(req, buf, len);
    if (!parse_addr(buf, strlen(buf), &ip))
        return;
    if (cfg->n_trusted_proxies && trusted_proxy(cfg, &ip))
        walk_forwarded_for(req, cfg, &ip);
    addr_text(&ip, buf, len);
}

int vx_req_json(struct vx_req *req, struct vx_reply *rep, int empty_ok,
                json_t **out)
{
    json_error_t jerr;

    *out = NULL;
    if (req->body_len == 0 && empty_ok) {
        *out = json_object();
        return VX_OK;
    }
    if (req->body_len == 0) {
        vx_reply_error(rep, VX_EINVAL, "/body",
                       "the request needs a JSON object as its body");
        return VX_EINVAL;
    }
    *out = json_loadb(req->body, req->body_len, 0, &jerr);
    if (!*out) {
        vx_reply_error(rep, VX_EINVAL, "/body",
                       "the body is not valid JSON: %s at line %d column "
                       "%d",
                       jerr.text, jerr.line, jerr.column);
        return VX_EINVAL;
    }
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        vx_reply_error(rep, VX_EINVAL, "/body",
                       "the body must be a JSON object");
        return VX_EINVAL;
    }
    return VX_OK;
}

/* True when the Content-Type header names JSON. */
static int is_json_type(const char *ct)
{
    return ct && (!strncasecmp(ct, "application/json", 16) ||
                  strstr(ct, "+json") != NULL);
}

/* Turn rep into an MHD response and queue it. */
static enum MHD_Result send_reply(struct request_state *rs,
                                  struct vx_reply *rep)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    char *text = NULL;
    size_t len = 0;

    if (rep->json) {
        text = json_dumps(rep->json, JSON_COMPACT | JSON_ENCODE_ANY);
        len = strlen(text);
        resp =
            MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    } else if (rep->bytes) {
        len = rep->len;
        resp = MHD_create_response_from_buffer_with_free_callback_cls(
            len, (void *)rep->bytes, rep->free_fn, rep->free_arg);
        rep->free_fn = NULL;
    } else {
        resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    }
    if (rep->json || rep->bytes)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                rep->content_type
                                    ? rep->content_type
                                    : "application/json; charset=utf-8");
    for (int i = 0; i < rep->nheaders; i++)
        MHD_add_response_header(resp, rep->headers[i].name,
                                rep->headers[i].value);
    ret = MHD_queue_response(rs->req.conn, (unsigned)rep->status, resp);
    MHD_destroy_response(resp);
    rs->status = rep->status;
    rs->bytes = len;
    rs->replied = 1;
    return ret;
}

/* Release what a reply holds that was not handed to MHD. */
static void reply_release(struct vx_reply *rep)
{
    json_decref(rep->json);
    if (rep->free_fn)
        rep->free_fn(rep->free_arg);
    for (int i = 0; i < rep->nheaders; i++)
        free(rep->headers[i].value);
}

/* The whole body is in: check size and type, route, reply. */
static enum MHD_Result finish_request(struct request_state *rs)
{
    struct vx_req *req = &rs->req;
    struct vx_reply rep = {0};
    enum MHD_Result ret;

    rep.status = 500;
    if (req->too_large) {
        vx_reply_error(&rep, VX_ETOOLARGE, "/body",
                       "the request body is larger than the limit of %zu "
                       "bytes",
                       req->app->cfg->body_limit);
    } else if (req->body_len && !is_json_type(vx_req_header(
                                    req, MHD_HTTP_HEADER_CONTENT_TYPE))) {
        vx_reply_error(&rep, VX_EMEDIA, NULL,
                       "request bodies must be sent with Content-Type: "
                       "application/json");
    } else {
        vx_route(req, &rep);
    }
    vx_cors_apply(req, &rep);
    ret = send_reply(rs, &rep);
    reply_release(&rep);
    return ret;
}

/* Start a request: state, id, and an early 413 on a large announced body. */
static struct request_state *start_request(struct vx_http *http,
                                           struct MHD_Connection *conn,
                                           const char *url, const char *method)
{
    struct request_state *rs = vx_calloc(1, sizeof(*rs));
    const char *cl =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");

    rs->http = http;
    rs->req.conn = conn;
    rs->req.app = http->app;
    rs->req.method = method;
    rs->req.path = url;
    rs->req.start_ms = vx_time_mono_ms();
    rs->req.route = -1;
    rs->start_us = vx_time_mono_us();
    snprintf(rs->req.id, sizeof(rs->req.id), "%08x",
             atomic_fetch_add(&http->next_id, 1u));
    if (cl && strtoull(cl, NULL, 10) > http->app->cfg->body_limit)
        rs->req.too_large = 1;
    atomic_fetch_add(&http->in_flight, 1);
    vx_obs_begin();
    return rs;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    struct vx_http *http = cls;
    struct request_state *rs = *req_cls;
    struct vx_req *req;

    (void)version;
    if (!rs) {
        *req_cls = start_request(http, conn, url, method);
        return MHD_YES;
    }
    req = &rs->req;
    if (rs->replied)
        return MHD_YES;
    if (*upload_data_size) {
        size_t n = *upload_data_size;

        /* A body over the limit is read and dropped so that the client
         * sees the 413; past DISCARD_MAX we answer at once and let MHD
         * close the connection. */
        rs->seen += n;
        if (rs->seen > DISCARD_MAX)
            return finish_request(rs);
        if (req->too_large || req->body_len + n > http->app->cfg->body_limit) {
            req->too_large = 1;
        } else {
            req->body = vx_realloc(req->body, req->body_len + n + 1);
            memcpy(req->body + req->body_len, upload_data, n);
            req->body_len += n;
            req->body[req->body_len] = '\0';
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return finish_request(rs);
}

/*
 * The path as the request log shows it: a token secret given in the
 * path of /api/admin/api-tokens/:token is replaced, since no secret may
 * reach a log.
 */
static const char *log_path(const char *path)
{
    static const char prefix[] = "/api/admin/api-tokens/";
    const char *rest = path;

    if (strncmp(path, prefix, sizeof(prefix) - 1))
        return path;
    rest += sizeof(prefix) - 1;
    if (rest[strspn(rest, "0123456789")] == '\0')
        return path;
    return "/api/admin/api-tokens/(secret)";
}

/*
 * Copy in to out (size len) fit for a quoted logfmt value: quote and
 * backslash escaped, control bytes as \xNN. The path arrives with its
 * %XX escapes decoded, so it may hold a newline or a quote, and a
 * client must not be able to write lines of its own into the log.
 */
static void log_escape(const char *in, char *out, size_t len)
{
    size_t n = 0;

    for (; *in && n + 5 < len; in++) {
        unsigned char c = (unsigned char)*in;

        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            n += (size_t)snprintf(out + n, len - n, "\\x%02x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct vx_http *http = cls;
    struct request_state *rs = *req_cls;
    struct vx_req *req;
    char method[32], path[1024];

    (void)conn;
    if (!rs)
        return;
    req = &rs->req;
    log_escape(req->method, method, sizeof(method));
    log_escape(log_path(req->path), path, sizeof(path));
    vx_log_info("request",
                "req=%s method=%s path=\"%s\" status=%d bytes=%zu ms=%lld%s",
                req->id, method, path, rs->status, rs->bytes,
                (long long)(vx_time_mono_ms() - req->start_ms),
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
    vx_obs_end(req->route, req->method, rs->status,
               vx_time_mono_us() - rs->start_us);
    for (int i = 0; i < req->nparams; i++)
        free(req->param_values[i]);
    vx_principal_release(&req->who);
    free(req->body);
    free(rs);
    *req_cls = NULL;
    atomic_fetch_sub(&http->in_flight, 1);
}

/* libmicrohttpd's printf-style messages go to our log. */
static void __attribute__((format(printf, 2, 0)))
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t n;

    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '"'))
        msg[--n] = '\0';
    for (char *p = msg; *p; p++)
        if (*p == '"')
            *p = '\'';
    vx_log_warn("http", "detail=\"%s\"", msg);
}

/* Resolve host:port into addr; 0 or -1. */
static int resolve(const char *host, int port, struct sockaddr_storage *addr,
                   int *family)
{
    struct addrinfo hints = {0}, *res = NULL;
    char service[16];

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(service, sizeof(service), "%d", port);
    if (getaddrinfo(host, service, &hints, &res) || !res)
        return -1;
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *family = res->ai_family;
    freeaddrinfo(res);
    return 0;
}

struct vx_http *vx_http_start(struct vx_app *app, int *port_out)
{
    struct vx_http *http = vx_calloc(1, sizeof(*http));
    struct sockaddr_storage addr;
    const union MHD_DaemonInfo *info;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    int family;

    http->app = app;
    if (resolve(app->cfg->host, app->cfg->port, &addr, &family)) {
        vx_log_error("cannot resolve listen address", "host=%s",
                     app->cfg->host);
        free(http);
        return NULL;
    }
    if (family == AF_INET6)
        flags |= MHD_USE_IPv6;
    http->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, http, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg->threads,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, http,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->cfg->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)app->cfg->per_ip_connections, MHD_OPTION_END);
    if (!http->daemon) {
        vx_log_error("cannot listen", "host=%s port=%d", app->cfg->host,
                     app->cfg->port);
        free(http);
        return NULL;
    }
    info = MHD_get_daemon_info(http->daemon, MHD_DAEMON_INFO_BIND_PORT);
    *port_out = info ? info->port : app->cfg->port;
    return http;
}

void vx_http_stop(struct vx_http *http, int drain_seconds)
{
    int64_t deadline = vx_time_mono_ms() + (int64_t)drain_seconds * 1000;
    MHD_socket listen_fd;

    if (!http)
        return;
    /*
     * The listening socket is ours once quiesced. Shut it down, so that
     * new connections are refused at once rather than left in the
     * backlog; close it only after the daemon has stopped, since its
     * worker threads take it out of their epoll sets on their own time
     * and libmicrohttpd aborts if it is already closed then.
     */
    listen_fd = MHD_quiesce_daemon(http->daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        shutdown(listen_fd, SHUT_RDWR);
    while (atomic_load(&http->in_flight) > 0 && vx_time_mono_ms() < deadline)
        usleep(10000);
    MHD_stop_daemon(http->daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    free(http);
}
