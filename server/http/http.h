/*
 * The HTTP layer: libmicrohttpd glue, one struct vx_req per request and
 * the reply a handler fills in. Handlers see only this interface, never
 * MHD itself.
 *
 * A request's body is read whole (up to the configured limit) before
 * the handler runs; the router has already matched the route, checked
 * the token and the role, so the handler only validates its input, calls
 * the store and sets the reply.
 */
#ifndef VX_HTTP_H
#define VX_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/auth.h"
#include "vx_err.h"

struct vx_app;
struct MHD_Connection;

#define VX_MAX_PARAMS 6
#define VX_MAX_HEADERS 8

struct vx_req {
    struct MHD_Connection *conn;
    struct vx_app *app;
    const char *method;
    const char *path;
    char *body; /* NUL-terminated; owned */
    size_t body_len;
    int too_large;
    int64_t start_ms;
    char id[9]; /* short request id for the log */
    const char *param_names[VX_MAX_PARAMS];
    char *param_values[VX_MAX_PARAMS]; /* owned */
    int nparams;
    struct vx_principal who; /* set by the router for routes with auth */
    int route; /* matched route's position in vx_route_tables, or -1 */
};

struct vx_header {
    const char *name; /* static */
    char *value;      /* owned */
};

struct vx_reply {
    int status;
    json_t *json; /* owned; serialised when the reply is sent */
    /* Or raw bytes, released with free_fn(free_arg) once sent. */
    const void *bytes;
    size_t len;
    void (*free_fn)(void *arg);
    void *free_arg;
    const char *content_type; /* default application/json */
    struct vx_header headers[VX_MAX_HEADERS];
    int nheaders;
};

typedef void vx_handler_fn(struct vx_req *req, struct vx_reply *rep);

/* Start serving; returns 0 or -1 after logging why. */
struct vx_http;
struct vx_http *vx_http_start(struct vx_app *app, int *port_out);

/* Stop accepting, wait up to drain_seconds for requests in flight, stop. */
void vx_http_stop(struct vx_http *http, int drain_seconds);

/* A path parameter from the route pattern (":name"); NULL if absent. */
const char *vx_req_param(const struct vx_req *req, const char *name);

/* The first query-string value of key; NULL if absent. */
const char *vx_req_query(const struct vx_req *req, const char *key);

/* Every query-string value of key, as a new array of strings. */
json_t *vx_req_query_all(const struct vx_req *req, const char *key);

/*
 * Call fn(arg, key, value) for every query-string argument in the order
 * sent; value is NULL for a bare "key" without '='. Both are borrowed
 * for the call only.
 */
void vx_req_query_each(const struct vx_req *req,
                       void (*fn)(void *arg, const char *key,
                                  const char *value),
                       void *arg);

/* A request header; NULL if absent. */
const char *vx_req_header(const struct vx_req *req, const char *name);

/* The TCP peer's IP address as text into buf ("" if unknown). */
void vx_req_remote_addr(const struct vx_req *req, char *buf, size_t len);

/*
 * The client's IP address as text into buf (len ≥ 46), "" if unknown:
 * the TCP peer's, or, when the peer is a trusted proxy
 * (VEXIL_TRUSTED_PROXIES), the right-most X-Forwarded-For address that
 * is not itself a trusted proxy. X-Forwarded-For from any other peer is
 * ignored. IPv4-mapped IPv6 addresses come out as IPv4. Use this
 * wherever a caller's address is recorded or evaluated.
 */
void vx_req_client_addr(const struct vx_req *req, char *buf, size_t len);

/*
 * Parse the body as a JSON object into *out (caller owns). An empty body
 * is an empty object when empty_ok. On failure sets a 400 reply and
 * returns VX_EINVAL.
 */
int vx_req_json(struct vx_req *req, struct vx_reply *rep, int empty_ok,
                json_t **out);

/* Reply with status and body (stolen; may be NULL for no body). */
void vx_reply_json(struct vx_reply *rep, int status, json_t *body);

/* Add a response header; value is copied. */
void vx_reply_header(struct vx_reply *rep, const char *name, const char *value);

/*
 * Reply with the documented error body for err:
 * {"id","name","message","details":[{"message","path"?}]}, with the
 * status that err->code maps to.
 */
void vx_reply_err(struct vx_reply *rep, const struct vx_err *err);

/* Shorthand: vx_err_set() then vx_reply_err(). */
void vx_reply_error(struct vx_reply *rep, int code, const char *path,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* An error body with an explicit status and error name. */
void vx_reply_problem(struct vx_reply *rep, int status, const char *name,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* HTTP status for a VX_E* code. */
int vx_http_status(int code);

#endif
