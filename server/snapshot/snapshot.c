/*
 * Snapshots of the SDK view of each environment (snapshot.h).
 *
 * A rebuild reads every environment's client view inside one store
 * read bracket, then, with the store released, serialises each flag and
 * segment once into chunks and hashes them. An environment whose hash
 * is unchanged keeps its old snapshot; the others get a new revision,
 * their compiled flag set and the two full answers. The new table is
 * swapped in under the set's mutex, which readers hold only to find and
 * reference a snapshot.
 *
 * Each snapshot owns a small cache of filtered answers, under its own
 * mutex; an answer owns its bytes and has its own reference count, so
 * a reply in flight keeps only its answer alive.
 */
#include "snapshot/snapshot.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zlib.h>

#include "eval/murmur3.h"
#include "log.h"
#include "model/model.h"
#include "store/client_state.h"
#include "store/environments.h"
#include "store/store.h"
#include "util.h"
#include "vx_alloc.h"

/* Filtered answers kept per snapshot; the oldest goes first. */
#define CACHE_MAX 64

struct chunk {
    char *text; /* compact JSON, NUL-terminated */
    size_t len;
};

struct feat {
    char *name;
    char *project;
    char **tags; /* "type:value", sorted */
    size_t n_tags;
    struct chunk top; /* strategies refer to segments by id */
    struct chunk inl; /* segment constraints appended, no ids */
    size_t *segs;     /* indexes into the snapshot's segs, ascending */
    size_t n_segs;
};

struct seg {
    int64_t id;
    struct chunk text;
};

struct cached {
    char *key;
    struct vx_answer *answer;
};

struct vx_snapshot {
    atomic_int refs;
    char *environment;
    int64_t revision;
    unsigned char digest[crypto_generichash_BYTES];
    struct vx_flagset *flagset;
    struct feat *feats; /* sorted by name */
    size_t n_feats;
    struct seg *segs; /* sorted by id */
    size_t n_segs;
    struct vx_answer *full[2]; /* indexed by inline_segments */

    pthread_mutex_t cache_lock;
    struct cached cache[CACHE_MAX];
    size_t n_cache, next_evict;
};

struct vx_snapshots {
    struct vx_store *st;
    pthread_mutex_t lock;       /* guards snaps and n */
    pthread_mutex_t build_lock; /* one rebuild at a time */
    struct vx_snapshot **snaps;
    size_t n;
    atomic_ullong rebuilds, failures, rebuild_us; /* see stats */
};

/* Separates the fields of a query key; see canon_key(). */
#define KEY_SEP "\x1f"

/* Serialise v compactly into a chunk. */
static struct chunk chunk_of(json_t *v)
{
    struct chunk c;

    c.text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!c.text) /* jansson fails only when out of memory */
        abort();
    c.len = strlen(c.text);
    return c;
}

/* gzip (zlib, gzip wrapper) of the len bytes at in; NULL on failure. */
static char *gzip_bytes(const char *in, size_t len, size_t *out_len)
{
    z_stream zs = {0};
    char *out = NULL;
    uLong bound;

    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return NULL;
    bound = deflateBound(&zs, (uLong)len) + 32;
    out = vx_malloc(bound);
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)bound;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
        free(out);
        out = NULL;
    } else {
        *out_len = zs.total_out;
    }
    deflateEnd(&zs);
    return out;
}

/*
 * A new answer with one reference. Takes body (len bytes); gzips it
 * when asked; etag is copied.
 */
static struct vx_answer *answer_new(char *body, size_t len, bool gzip,
                                    const char *etag)
{
    struct vx_answer *a = vx_calloc(1, sizeof(*a));

    atomic_init(&a->refs, 1);
    a->body = body;
    a->len = len;
    if (gzip)
        a->gz = gzip_bytes(body, len, &a->gz_len);
    snprintf(a->etag, sizeof(a->etag), "%s", etag);
    return a;
}

void vx_answer_release(void *answer)
{
    struct vx_answer *a = answer;

    if (!a || atomic_fetch_sub(&a->refs, 1) != 1)
        return;
    free(a->body);
    free(a->gz);
    free(a);
}

/* A new reference to a. */
static struct vx_answer *answer_ref(struct vx_answer *a)
{
    atomic_fetch_add(&a->refs, 1);
    return a;
}

/* Free what one feat holds. */
static void feat_release(struct feat *f)
{
    free(f->name);
    free(f->project);
    for (size_t i = 0; i < f->n_tags; i++)
        free(f->tags[i]);
    free(f->tags);
    free(f->top.text);
    free(f->inl.text);
    free(f->segs);
}

/* Free snap and all it owns. */
static void snapshot_free(struct vx_snapshot *snap)
{
    for (size_t i = 0; i < snap->n_feats; i++)
        feat_release(&snap->feats[i]);
    free(snap->feats);
    for (size_t i = 0; i < snap->n_segs; i++)
        free(snap->segs[i].text.text);
    free(snap->segs);
    for (size_t i = 0; i < snap->n_cache; i++) {
        free(snap->cache[i].key);
        vx_answer_release(snap->cache[i].answer);
    }
    vx_answer_release(snap->full[0]);
    vx_answer_release(snap->full[1]);
    vx_flagset_free(snap->flagset);
    pthread_mutex_destroy(&snap->cache_lock);
    free(snap->environment);
    free(snap);
}

void vx_snapshot_release(struct vx_snapshot *snap)
{
    if (snap && atomic_fetch_sub(&snap->refs, 1) == 1)
        snapshot_free(snap);
}

/* A new reference to snap. */
static struct vx_snapshot *snapshot_ref(struct vx_snapshot *snap)
{
    atomic_fetch_add(&snap->refs, 1);
    return snap;
}

int64_t vx_snapshot_revision(const struct vx_snapshot *snap)
{
    return snap->revision;
}

size_t vx_snapshot_flag_count(const struct vx_snapshot *snap)
{
    return snap->n_feats;
}

const char *vx_snapshot_environment(const struct vx_snapshot *snap)
{
    return snap->environment;
}

const struct vx_flagset *vx_snapshot_flagset(const struct vx_snapshot *snap)
{
    return snap->flagset;
}

/* Compare two segments by id, for bsearch. */
static int seg_cmp(const void *a, const void *b)
{
    int64_t x = ((const struct seg *)a)->id, y = ((const struct seg *)b)->id;

    return (x > y) - (x < y);
}

/* The index of segment id in snap, or -1. */
static long seg_index(const struct vx_snapshot *snap, int64_t id)
{
    struct seg key = {.id = id};
    const struct seg *s =
        bsearch(&key, snap->segs, snap->n_segs, sizeof(*s), seg_cmp);

    return s ? (long)(s - snap->segs) : -1;
}

/*
 * A copy of feature f whose strategies carry their segments'
 * constraints after their own, and no segment ids: the shape for SDKs
 * older than client specification 4.2.0. segs is the state's segments.
 */
static json_t *inline_segments(json_t *f, json_t *segs)
{
    json_t *copy = json_deep_copy(f), *s, *id, *seg;
    size_t i, j, k;

    json_array_foreach (json_object_get(copy, "strategies"), i, s) {
        json_t *cons = json_object_get(s, "constraints");

        json_array_foreach (json_object_get(s, "segments"), j, id) {
            json_array_foreach (segs, k, seg) {
                if (json_integer_value(json_object_get(seg, "id")) ==
                    json_integer_value(id))
                    json_array_extend(cons,
                                      json_object_get(seg, "constraints"));
            }
        }
        json_object_del(s, "segments");
    }
    return copy;
}

/* Fill f from the feature object jf; tags is the state's tag index. */
static void feat_init(struct vx_snapshot *snap, struct feat *f, json_t *jf,
                      json_t *tags, json_t *segs)
{
    json_t *list =
        json_object_get(tags, json_string_value(json_object_get(jf, "name")));
    json_t *inl = inline_segments(jf, segs), *s, *id;
    unsigned char *used = vx_calloc(snap->n_segs + 1, 1);
    size_t i, j;

    f->name = vx_strdup(json_string_value(json_object_get(jf, "name")));
    f->project = vx_strdup(json_string_value(json_object_get(jf, "project")));
    f->n_tags = json_array_size(list);
    f->tags = vx_calloc(f->n_tags + 1, sizeof(*f->tags));
    for (i = 0; i < f->n_tags; i++)
        f->tags[i] = vx_strdup(json_string_value(json_array_get(list, i)));
    f->top = chunk_of(jf);
    f->inl = chunk_of(inl);
    json_decref(inl);
    json_array_foreach (json_object_get(jf, "strategies"), i, s) {
        json_array_foreach (json_object_get(s, "segments"), j, id) {
            long k = seg_index(snap, json_integer_value(id));

            if (k >= 0 && !used[k]) {
                used[k] = 1;
                f->n_segs++;
            }
        }
    }
    f->segs = vx_calloc(f->n_segs + 1, sizeof(*f->segs));
    for (i = 0, j = 0; i < snap->n_segs; i++)
        if (used[i])
            f->segs[j++] = i;
    free(used);
}

/* Hash everything an answer can depend on into snap->digest. */
static void snapshot_digest(struct vx_snapshot *snap)
{
    crypto_generichash_state h;

    crypto_generichash_init(&h, NULL, 0, sizeof(snap->digest));
    for (size_t i = 0; i < snap->n_feats; i++) {
        const struct feat *f = &snap->feats[i];

        crypto_generichash_update(&h, (const unsigned char *)f->top.text,
                                  f->top.len + 1);
        for (size_t t = 0; t < f->n_tags; t++)
            crypto_generichash_update(&h, (const unsigned char *)f->tags[t],
                                      strlen(f->tags[t]) + 1);
        crypto_generichash_update(&h, (const unsigned char *)KEY_SEP, 1);
    }
    for (size_t i = 0; i < snap->n_segs; i++)
        crypto_generichash_update(
            &h, (const unsigned char *)snap->segs[i].text.text,
            snap->segs[i].text.len + 1);
    crypto_generichash_final(&h, snap->digest, sizeof(snap->digest));
}

/*
 * A new snapshot of environment from its client view state (borrowed):
 * chunks, tags and digest; no revision, answers or flag set yet.
 */
static struct vx_snapshot *snapshot_prepare(const char *environment,
                                            json_t *state)
{
    struct vx_snapshot *snap = vx_calloc(1, sizeof(*snap));
    json_t *feats = json_object_get(state, "features");
    json_t *segs = json_object_get(state, "segments"), *v;
    json_t *tags = json_object_get(state, "tags");
    size_t i;

    atomic_init(&snap->refs, 1);
    pthread_mutex_init(&snap->cache_lock, NULL);
    snap->environment = vx_strdup(environment);
    snap->n_segs = json_array_size(segs);
    snap->segs = vx_calloc(snap->n_segs + 1, sizeof(*snap->segs));
    json_array_foreach (segs, i, v) {
        snap->segs[i].id = json_integer_value(json_object_get(v, "id"));
        snap->segs[i].text = chunk_of(v);
    }
    snap->n_feats = json_array_size(feats);
    snap->feats = vx_calloc(snap->n_feats + 1, sizeof(*snap->feats));
    json_array_foreach (feats, i, v)
        feat_init(snap, &snap->feats[i], v, tags, segs);
    snapshot_digest(snap);
    return snap;
}

/* Compare two C strings through pointers to them, for qsort. */
static int strp_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The strings of arr (borrowed), sorted and without repeats, as a new
 * array of borrowed pointers (caller frees the array). NULL arr gives
 * NULL and *n 0.
 */
static const char **sorted_strings(json_t *arr, size_t *n)
{
    const char **out;
    size_t i, k = 0;
    json_t *v;

    *n = 0;
    if (!arr)
        return NULL;
    out = vx_calloc(json_array_size(arr) + 1, sizeof(*out));
    json_array_foreach (arr, i, v)
        if (json_is_string(v))
            out[k++] = json_string_value(v);
    qsort(out, k, sizeof(*out), strp_cmp);
    for (i = 0; i < k; i++)
        if (*n == 0 || strcmp(out[*n - 1], out[i]))
            out[(*n)++] = out[i];
    return out;
}

/* True when key is one of the n sorted strings of list. */
static bool in_sorted(const char **list, size_t n, const char *key)
{
    return bsearch(&key, list, n, sizeof(*list), strp_cmp) != NULL;
}

/* A query in canonical form: lists sorted, repeats dropped. */
struct canon {
    bool inline_segments;
    bool all_projects;
    const char **projects;
    size_t n_projects;
    const char *prefix;
    const char **tags;
    size_t n_tags;
};

/* Put q into canonical form c; release with canon_release(). */
static void canon_init(struct canon *c, const struct vx_client_query *q)
{
    c->inline_segments = q->inline_segments;
    c->all_projects = q->projects == NULL;
    c->projects = sorted_strings(q->projects, &c->n_projects);
    c->prefix = q->name_prefix && *q->name_prefix ? q->name_prefix : NULL;
    c->tags = sorted_strings(q->tags, &c->n_tags);
}

static void canon_release(struct canon *c)
{
    free(c->projects);
    free(c->tags);
}

/* True when c asks for what the full answer holds. */
static bool canon_is_full(const struct canon *c)
{
    return c->all_projects && !c->prefix && c->n_tags == 0;
}

/*
 * Append s to a key with its length in front, so that no string, even
 * one holding the separator, can pass for a different list of fields.
 */
static void key_add(struct vx_buf *key, const char *s)
{
    vx_buf_addf(key, KEY_SEP "%zu:", strlen(s));
    vx_buf_adds(key, s);
}

/*
 * The cache key of c in snap: every field, each string with its length,
 * so that two different queries never share a key (and so an answer or
 * an ETag). Projects, prefix and tags come from the query string and may
 * hold any byte.
 */
static void canon_key(const struct canon *c, const char *environment,
                      struct vx_buf *key)
{
    key_add(key, environment);
    vx_buf_adds(key, c->inline_segments ? KEY_SEP "i" : KEY_SEP "s");
    vx_buf_adds(key, c->all_projects ? KEY_SEP "*" : KEY_SEP "p");
    for (size_t i = 0; i < c->n_projects; i++)
        key_add(key, c->projects[i]);
    vx_buf_adds(key, KEY_SEP "n");
    key_add(key, c->prefix ? c->prefix : "");
    vx_buf_adds(key, KEY_SEP "t");
    for (size_t i = 0; i < c->n_tags; i++)
        key_add(key, c->tags[i]);
}

/* The `query` member of the answer to c, as Unleash reports it. */
static json_t *canon_json(const struct canon *c, const char *environment)
{
    json_t *q = json_object();

    if (!c->all_projects) {
        json_t *p = json_array();

        for (size_t i = 0; i < c->n_projects; i++)
            json_array_append_new(p, json_string(c->projects[i]));
        json_object_set_new(q, "project", p);
    }
    if (c->prefix)
        json_object_set_new(q, "namePrefix", json_string(c->prefix));
    if (c->n_tags) {
        json_t *t = json_array();

        for (size_t i = 0; i < c->n_tags; i++) {
            const char *colon = strchr(c->tags[i], ':');
            size_t n =
                colon ? (size_t)(colon - c->tags[i]) : strlen(c->tags[i]);

            json_array_append_new(
                t, json_pack("[s%s]", c->tags[i], n, colon ? colon + 1 : ""));
        }
        json_object_set_new(q, "tag", t);
    }
    json_object_set_new(q, "environment", json_string(environment));
    json_object_set_new(q, "inlineSegmentConstraints",
                        json_boolean(c->inline_segments));
    return q;
}

/* True when feature f is in the answer to c. */
static bool feat_matches(const struct feat *f, const struct canon *c)
{
    bool tagged = c->n_tags == 0;

    if (!c->all_projects && !in_sorted(c->projects, c->n_projects, f->project))
        return false;
    if (c->prefix && strncmp(f->name, c->prefix, strlen(c->prefix)))
        return false;
    for (size_t i = 0; i < f->n_tags && !tagged; i++)
        tagged = in_sorted(c->tags, c->n_tags, f->tags[i]);
    return tagged;
}

/* Append the features of c and, for new SDKs, their segments. */
static void add_features(const struct vx_snapshot *snap, const struct canon *c,
                         struct vx_buf *b)
{
    unsigned char *used = vx_calloc(snap->n_segs + 1, 1);
    bool first = true;

    vx_buf_adds(b, "{\"version\":2,\"features\":[");
    for (size_t i = 0; i < snap->n_feats; i++) {
        const struct feat *f = &snap->feats[i];
        const struct chunk *ch = c->inline_segments ? &f->inl : &f->top;

        if (!feat_matches(f, c))
            continue;
        if (!first)
            vx_buf_add(b, ",", 1);
        first = false;
        vx_buf_add(b, ch->text, ch->len);
        for (size_t s = 0; s < f->n_segs; s++)
            used[f->segs[s]] = 1;
    }
    vx_buf_adds(b, "]");
    if (!c->inline_segments) {
        first = true;
        vx_buf_adds(b, ",\"segments\":[");
        for (size_t i = 0; i < snap->n_segs; i++) {
            if (!used[i])
                continue;
            if (!first)
                vx_buf_add(b, ",", 1);
            first = false;
            vx_buf_add(b, snap->segs[i].text.text, snap->segs[i].text.len);
        }
        vx_buf_adds(b, "]");
    }
    free(used);
}

/* Append compact JSON of v (stolen) to b. */
static void add_json(struct vx_buf *b, json_t *v)
{
    struct chunk c = chunk_of(v);

    vx_buf_add(b, c.text, c.len);
    free(c.text);
    json_decref(v);
}

/* The ETag of an answer: query hash, revision, format version. */
static void make_etag(const char *key, int64_t revision, char hash[9],
                      char *etag, size_t len)
{
    snprintf(hash, 9, "%08x", (unsigned)murmur3_x86_32(key, strlen(key), 0));
    snprintf(etag, len, "\"%s:%lld:v1\"", hash, (long long)revision);
}

/* Put together the answer to c from the chunks of snap. */
static struct vx_answer *assemble(const struct vx_snapshot *snap,
                                  const struct canon *c, const char *key)
{
    struct vx_buf b = {0};
    char hash[9], etag[48];

    make_etag(key, snap->revision, hash, etag, sizeof(etag));
    add_features(snap, c, &b);
    vx_buf_adds(&b, ",\"query\":");
    add_json(&b, canon_json(c, snap->environment));
    vx_buf_adds(&b, ",\"meta\":");
    add_json(&b, json_pack("{s:I,s:s,s:s}", "revisionId",
                           (json_int_t)snap->revision, "etag", etag,
                           "queryHash", hash));
    vx_buf_adds(&b, "}");
    return answer_new(b.buf, b.len, true, etag);
}

/* The answer to the unfiltered query in one flavour. */
static struct vx_answer *full_answer(const struct vx_snapshot *snap,
                                     bool inline_segs)
{
    struct vx_client_query q = {.inline_segments = inline_segs};
    struct vx_buf key = {0};
    struct vx_answer *a;
    struct canon c;

    canon_init(&c, &q);
    canon_key(&c, snap->environment, &key);
    a = assemble(snap, &c, key.buf);
    free(key.buf);
    canon_release(&c);
    return a;
}

/*
 * Finish a prepared snapshot: its revision, compiled flag set (from
 * state, whose "tags" member is dropped) and full answers.
 */
static void snapshot_finish(struct vx_snapshot *snap, int64_t revision,
                            json_t *state)
{
    struct vx_err err = {0};

    snap->revision = revision;
    json_object_del(state, "tags");
    if (vx_flagset_from_json(state, &snap->flagset, &err))
        vx_log_error("cannot compile flags",
                     "environment=\"%s\" "
                     "error=\"%s\" at=\"%s\"",
                     snap->environment, err.msg, err.path);
    snap->full[0] = full_answer(snap, false);
    snap->full[1] = full_answer(snap, true);
}

/* Look key up in snap's cache; a new reference or NULL. */
static struct vx_answer *cache_get(struct vx_snapshot *snap, const char *key)
{
    struct vx_answer *a = NULL;

    pthread_mutex_lock(&snap->cache_lock);
    for (size_t i = 0; i < snap->n_cache && !a; i++)
        if (!strcmp(snap->cache[i].key, key))
            a = answer_ref(snap->cache[i].answer);
    pthread_mutex_unlock(&snap->cache_lock);
    return a;
}

/*
 * Keep a reference to a under key, unless another thread did first;
 * when full, the oldest entry goes.
 */
static void cache_put(struct vx_snapshot *snap, const char *key,
                      struct vx_answer *a)
{
    struct vx_answer *old = NULL;
    char *old_key = NULL;
    size_t slot;

    pthread_mutex_lock(&snap->cache_lock);
    for (size_t i = 0; i < snap->n_cache; i++)
        if (!strcmp(snap->cache[i].key, key))
            goto out;
    if (snap->n_cache < CACHE_MAX) {
        slot = snap->n_cache++;
    } else {
        slot = snap->next_evict;
        snap->next_evict = (slot + 1) % CACHE_MAX;
        old = snap->cache[slot].answer;
        old_key = snap->cache[slot].key;
    }
    snap->cache[slot].key = vx_strdup(key);
    snap->cache[slot].answer = answer_ref(a);
out:
    pthread_mutex_unlock(&snap->cache_lock);
    free(old_key);
    vx_answer_release(old);
}

void vx_snapshot_answer(struct vx_snapshot *snap,
                        const struct vx_client_query *q, struct vx_answer **out)
{
    struct vx_buf key = {0};
    struct canon c;

    canon_init(&c, q);
    if (canon_is_full(&c)) {
        *out = answer_ref(snap->full[c.inline_segments]);
        goto out;
    }
    canon_key(&c, snap->environment, &key);
    *out = cache_get(snap, key.buf);
    if (*out)
        goto out;
    *out = assemble(snap, &c, key.buf);
    cache_put(snap, key.buf, *out);
out:
    free(key.buf);
    canon_release(&c);
}

/* Compare a name with a feat's, for bsearch. */
static int feat_cmp(const void *name, const void *f)
{
    return strcmp(name, ((const struct feat *)f)->name);
}

int vx_snapshot_feature(struct vx_snapshot *snap, const char *name,
                        bool inline_segs, json_t *projects,
                        struct vx_answer **out)
{
    const struct feat *f =
        bsearch(name, snap->feats, snap->n_feats, sizeof(*f), feat_cmp);
    const struct chunk *ch;
    struct vx_buf key = {0};
    char hash[9], etag[48];
    bool allowed = projects == NULL;
    size_t i;
    json_t *p;

    *out = NULL;
    if (!f)
        return VX_ENOTFOUND;
    json_array_foreach (projects, i, p) {
        const char *id = json_string_value(p);

        allowed = allowed || (id && !strcmp(id, f->project));
    }
    if (!allowed)
        return VX_ENOTFOUND;
    ch = inline_segs ? &f->inl : &f->top;
    vx_buf_adds(&key, snap->environment);
    vx_buf_adds(&key, inline_segs ? KEY_SEP "f" KEY_SEP "i" KEY_SEP
                                  : KEY_SEP "f" KEY_SEP "s" KEY_SEP);
    vx_buf_adds(&key, name);
    make_etag(key.buf, snap->revision, hash, etag, sizeof(etag));
    free(key.buf);
    *out = answer_new(vx_strndup(ch->text, ch->len), ch->len, false, etag);
    return VX_OK;
}

struct vx_snapshots *vx_snapshots_new(struct vx_store *st)
{
    struct vx_snapshots *ss = vx_calloc(1, sizeof(*ss));

    ss->st = st;
    pthread_mutex_init(&ss->lock, NULL);
    pthread_mutex_init(&ss->build_lock, NULL);
    return ss;
}

/* Release every snapshot of a table and the table itself. */
static void table_free(struct vx_snapshot **snaps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vx_snapshot_release(snaps[i]);
    free(snaps);
}

void vx_snapshots_free(struct vx_snapshots *ss)
{
    if (!ss)
        return;
    table_free(ss->snaps, ss->n);
    pthread_mutex_destroy(&ss->lock);
    pthread_mutex_destroy(&ss->build_lock);
    free(ss);
}

struct vx_snapshot *vx_snapshots_get(struct vx_snapshots *ss,
                                     const char *environment)
{
    struct vx_snapshot *snap = NULL;

    pthread_mutex_lock(&ss->lock);
    for (size_t i = 0; i < ss->n && !snap; i++)
        if (!strcmp(ss->snaps[i]->environment, environment))
            snap = snapshot_ref(ss->snaps[i]);
    pthread_mutex_unlock(&ss->lock);
    return snap;
}

size_t vx_snapshots_list(struct vx_snapshots *ss, struct vx_snapshot ***out)
{
    size_t n;

    pthread_mutex_lock(&ss->lock);
    n = ss->n;
    *out = vx_calloc(n ? n : 1, sizeof(**out));
    for (size_t i = 0; i < n; i++)
        (*out)[i] = snapshot_ref(ss->snaps[i]);
    pthread_mutex_unlock(&ss->lock);
    return n;
}

void vx_snapshots_stats(struct vx_snapshots *ss, struct vx_snapshots_stats *out)
{
    out->rebuilds = atomic_load(&ss->rebuilds);
    out->failures = atomic_load(&ss->failures);
    out->rebuild_us = atomic_load(&ss->rebuild_us);
}

/*
 * Read the client view of every environment in one read bracket: an
 * object keyed by environment name, and the newest event id.
 */
static int read_states(struct vx_store *st, json_t **out, int64_t *last,
                       struct vx_err *err)
{
    json_t *envs = NULL, *e, *state;
    size_t i;
    int rc = vx_store_read(st, err);

    *out = json_object();
    if (rc)
        return rc;
    rc = vx_store_env_names(st, &envs, err);
    if (rc == VX_OK)
        rc = vx_store_last_event_id(st, last, err);
    json_array_foreach (envs, i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));

        if (rc)
            break;
        rc = vx_store_client_state(st, name, &state, err);
        if (rc == VX_OK)
            json_object_set_new(*out, name, state);
    }
    vx_store_done(st);
    json_decref(envs);
    return rc;
}

/*
 * The snapshot of environment for the new table: the old one when its
 * content is the same, else a new one with a later revision.
 */
static struct vx_snapshot *next_snapshot(struct vx_snapshots *ss,
                                         const char *environment, json_t *state,
                                         int64_t last)
{
    struct vx_snapshot *old = vx_snapshots_get(ss, environment);
    struct vx_snapshot *snap = snapshot_prepare(environment, state);
    int64_t revision = last;

    if (old && !memcmp(old->digest, snap->digest, sizeof(snap->digest))) {
        snapshot_free(snap);
        return old;
    }
    if (old && old->revision >= revision)
        revision = old->revision + 1;
    vx_snapshot_release(old);
    snapshot_finish(snap, revision, state);
    return snap;
}

/*
 * NEEDSWORK: every flag write rebuilds the view of every environment,
 * in the writer's thread, before it replies; cheap for hundreds of
 * flags, but with many thousands the rebuild should be limited to the
 * environments the write touched, or run behind the reply.
 */
int vx_snapshots_rebuild(struct vx_snapshots *ss, struct vx_err *err)
{
    struct vx_snapshot **snaps = NULL, **old;
    json_t *states = NULL, *state;
    const char *name;
    int64_t last = 0;
    size_t n = 0, old_n;
    int64_t began = vx_time_mono_us();
    int rc;

    pthread_mutex_lock(&ss->build_lock);
    rc = read_states(ss->st, &states, &last, err);
    if (rc)
        goto out;
    snaps = vx_calloc(json_object_size(states) + 1, sizeof(*snaps));
    json_object_foreach (states, name, state)
        snaps[n++] = next_snapshot(ss, name, state, last);

    pthread_mutex_lock(&ss->lock);
    old = ss->snaps;
    old_n = ss->n;
    ss->snaps = snaps;
    ss->n = n;
    pthread_mutex_unlock(&ss->lock);
    table_free(old, old_n);
    atomic_fetch_add(&ss->rebuild_us,
                     (unsigned long long)(vx_time_mono_us() - began));
    atomic_fetch_add(&ss->rebuilds, 1);
out:
    if (rc)
        atomic_fetch_add(&ss->failures, 1);
    pthread_mutex_unlock(&ss->build_lock);
    json_decref(states);
    return rc;
}

void vx_snapshots_on_change(void *arg)
{
    struct vx_err err = {0};

    if (vx_snapshots_rebuild(arg, &err))
        vx_log_error("cannot rebuild flag snapshots; SDKs keep the "
                     "previous ones",
                     "error=\"%s\"", err.msg);
}
