/*
 * The SDK read path below HTTP: the client view the store builds, and
 * the snapshots made from it (answers in both segment flavours,
 * filters, gzip, ETags, revisions and reference counts). Each test
 * seeds a fresh database in a temporary folder with SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <pthread.h>
#include <jansson.h>
#include <sqlite3.h>
#include <zlib.h>

#include "model/model.h"
#include "snapshot/snapshot.h"
#include "store/client_state.h"
#include "store/sql.h"
#include "store/store.h"
#include "../testing.h"

static char dir[64];
static char path[128];
static struct vx_store *st;
static struct vx_snapshots *ss;

static const char seed_sql[] =
    "INSERT INTO projects (id, name, created_at) VALUES"
    " ('web', 'Web', 'x'), ('ops', 'Ops', 'x');"
    "INSERT INTO project_environments (project_id, environment) VALUES"
    " ('web', 'development');"
    "INSERT INTO features (name, project_id, type, description,"
    " impression_data, created_at, archived_at) VALUES"
    " ('alpha', 'default', 'release', 'first flag', 1, 'x', NULL),"
    " ('beta', 'default', 'experiment', '', 0, 'x', NULL),"
    " ('web-one', 'web', 'release', '', 0, 'x', NULL),"
    " ('old', 'default', 'release', '', 0, 'x', 'y'),"
    " ('ops-x', 'ops', 'release', '', 0, 'x', NULL),"
    " ('child', 'default', 'release', '', 0, 'x', NULL);"
    "INSERT INTO feature_environments (feature_name, environment,"
    " enabled, variants) VALUES"
    " ('alpha', 'development', 1, '[]'),"
    " ('beta', 'production', 1, '[]'),"
    " ('beta', 'development', 0, '[{\"name\":\"v1\",\"weight\":1000,"
    "\"weightType\":\"variable\",\"stickiness\":\"default\","
    "\"payload\":{\"type\":\"string\",\"value\":\"x\"}}]'),"
    " ('web-one', 'development', 1, '[]'),"
    " ('old', 'development', 1, '[]'),"
    " ('ops-x', 'development', 1, '[]');"
    "INSERT INTO feature_strategies (id, feature_name, environment, name,"
    " title, parameters, constraints, variants, sort_order, disabled,"
    " created_at) VALUES"
    " ('s1', 'alpha', 'development', 'flexibleRollout', NULL,"
    "  '{\"rollout\":50,\"stickiness\":\"default\",\"groupId\":\"alpha\"}',"
    "  '[{\"contextName\":\"userId\",\"operator\":\"IN\","
    "\"values\":[\"1\",2]}]', '[]', 1, 0, 'x'),"
    " ('s0', 'alpha', 'development', 'default', 'the first', '{}', '[]',"
    "  '[]', 0, 0, 'x'),"
    " ('s2', 'alpha', 'development', 'userWithId', NULL,"
    "  '{\"userIds\":\"1\"}', '[]', '[]', 2, 1, 'x'),"
    " ('s3', 'web-one', 'development', 'default', NULL, '{}',"
    "  '[{\"contextName\":\"age\",\"operator\":\"NUM_GT\",\"value\":30,"
    "\"caseInsensitive\":true}]', '[]', 0, 0, 'x'),"
    " ('s4', 'old', 'development', 'default', NULL, '{}', '[]', '[]', 0,"
    "  0, 'x');"
    "INSERT INTO segments (id, name, constraints, created_at) VALUES"
    " (7, 'beta-users', '[{\"contextName\":\"userId\",\"operator\":\"IN\","
    "\"values\":[\"9\"]}]', 'x'),"
    " (8, 'nordics', '[{\"contextName\":\"country\",\"operator\":\"IN\","
    "\"values\":[\"NO\"],\"inverted\":true}]', 'x'),"
    " (9, 'unused', '[]', 'x');"
    "INSERT INTO strategy_segments (strategy_id, segment_id) VALUES"
    " ('s1', 7), ('s3', 8), ('s4', 9);"
    "INSERT INTO dependencies (child, parent, enabled, variants) VALUES"
    " ('child', 'alpha', 1, '[\"v1\"]');"
    "INSERT INTO feature_tags (feature_name, tag_type, tag_value) VALUES"
    " ('beta', 'simple', 'blue'), ('web-one', 'team', 'red');";

/* The member b of the member a of root, or NULL. */
static json_t *jsonp(json_t *root, const char *a, const char *b)
{
    return json_object_get(json_object_get(root, a), b);
}

/* The same as a string, or NULL. */
static const char *jsonp_s(json_t *root, const char *a, const char *b)
{
    return json_string_value(jsonp(root, a, b));
}

/* Run sql (several statements) in one write that touches flags. */
static void exec_sql(const char *sql)
{
    struct vx_err err = {0};
    char *msg = NULL;
    int rc;

    ck_assert_int_eq(vx_store_begin(st, &err), 0);
    rc = sqlite3_exec(vx_store_db(st), sql, NULL, NULL, &msg);
    ck_assert_msg(rc == SQLITE_OK, "seed: %s", msg ? msg : "");
    vx_store_touch_flags(st);
    ck_assert_int_eq(vx_store_commit(st, &err), 0);
}

static void setup(void)
{
    struct vx_err err = {0};

    test_tempdir(dir, sizeof(dir), "vx-snap-");
    snprintf(path, sizeof(path), "%s/vexil.db", dir);
    ck_assert_int_eq(vx_store_open(path, &st, &err), 0);
    exec_sql(seed_sql);
    ss = vx_snapshots_new(st);
    ck_assert_int_eq(vx_snapshots_rebuild(ss, &err), 0);
    vx_store_set_change_hook(st, vx_snapshots_on_change, ss);
}

static void teardown(void)
{
    char file[160];

    vx_snapshots_free(ss);
    vx_store_close(st);
    snprintf(file, sizeof(file), "%s/vexil.db", dir);
    unlink(file);
    snprintf(file, sizeof(file), "%s/vexil.db-wal", dir);
    unlink(file);
    snprintf(file, sizeof(file), "%s/vexil.db-shm", dir);
    unlink(file);
    rmdir(dir);
}

/* The client view of env straight from the store. */
static json_t *state_of(const char *env)
{
    struct vx_err err = {0};
    json_t *out = NULL;

    ck_assert_int_eq(vx_store_read(st, &err), 0);
    ck_assert_int_eq(vx_store_client_state(st, env, &out, &err), 0);
    vx_store_done(st);
    return out;
}

/* The feature called name in an answer's or state's features, or NULL. */
static json_t *feature(json_t *root, const char *name)
{
    json_t *f;
    size_t i;

    json_array_foreach (json_object_get(root, "features"), i, f)
        if (!strcmp(json_string_value(json_object_get(f, "name")), name))
            return f;
    return NULL;
}

/* The answer of env to q, parsed; *etag gets a copy of its ETag. */
static json_t *answer_json(const char *env, const struct vx_client_query *q,
                           char *etag)
{
    struct vx_snapshot *snap = vx_snapshots_get(ss, env);
    struct vx_answer *a = NULL;
    json_t *root;

    ck_assert_ptr_nonnull(snap);
    vx_snapshot_answer(snap, q, &a);
    vx_snapshot_release(snap);
    root = json_loadb(a->body, a->len, 0, NULL);
    ck_assert_ptr_nonnull(root);
    if (etag)
        snprintf(etag, 48, "%s", a->etag);
    vx_answer_release(a);
    return root;
}

/* The names of the features of an answer, comma-separated, in order. */
static const char *names(json_t *root)
{
    static char buf[256];
    json_t *f;
    size_t i;

    buf[0] = '\0';
    json_array_foreach (json_object_get(root, "features"), i, f) {
        if (i)
            strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
        strncat(buf, json_string_value(json_object_get(f, "name")),
                sizeof(buf) - strlen(buf) - 1);
    }
    return buf;
}

START_TEST(state_lists_live_flags_of_projects_with_the_environment)
{
    json_t *s = state_of("development");

    /* Archived flags and projects without the environment are out. */
    ck_assert_str_eq(names(s), "alpha,beta,child,web-one");
    json_decref(s);
    s = state_of("production");
    ck_assert_str_eq(names(s), "alpha,beta,child");
    ck_assert(json_is_false(json_object_get(feature(s, "alpha"), "enabled")));
    ck_assert(json_is_true(json_object_get(feature(s, "beta"), "enabled")));
    json_decref(s);
}
END_TEST

START_TEST(state_feature_and_strategy_shape)
{
    json_t *s = state_of("development");
    json_t *a = feature(s, "alpha"), *strats = json_object_get(a, "strategies");
    json_t *s0 = json_array_get(strats, 0), *s1 = json_array_get(strats, 1);
    json_t *c = json_array_get(json_object_get(s1, "constraints"), 0);

    ck_assert_str_eq(json_string_value(json_object_get(a, "type")), "release");
    ck_assert_str_eq(json_string_value(json_object_get(a, "description")),
                     "first flag");
    ck_assert_str_eq(json_string_value(json_object_get(a, "project")),
                     "default");
    ck_assert(json_is_true(json_object_get(a, "impressionData")));
    ck_assert(json_is_false(json_object_get(a, "stale")));
    ck_assert_ptr_null(json_object_get(a, "dependencies"));
    /* Sort order, disabled strategy out, no id/title/sortOrder. */
    ck_assert_uint_eq(json_array_size(strats), 2);
    ck_assert_str_eq(json_string_value(json_object_get(s0, "name")), "default");
    ck_assert_ptr_null(json_object_get(s0, "title"));
    ck_assert_ptr_null(json_object_get(s0, "id"));
    ck_assert_ptr_null(json_object_get(s0, "sortOrder"));
    ck_assert_ptr_null(json_object_get(s0, "segments"));
    ck_assert_str_eq(jsonp_s(s1, "parameters", "rollout"), "50");
    ck_assert_int_eq(
        json_integer_value(json_array_get(json_object_get(s1, "segments"), 0)),
        7);
    ck_assert_str_eq(
        json_string_value(json_array_get(json_object_get(c, "values"), 1)),
        "2");
    ck_assert(json_is_false(json_object_get(c, "inverted")));
    ck_assert(json_is_false(json_object_get(c, "caseInsensitive")));
    ck_assert_ptr_null(json_object_get(c, "value"));
    json_decref(s);
}
END_TEST

START_TEST(state_constraints_dependencies_variants_segments_tags)
{
    json_t *s = state_of("development");
    json_t *c = json_array_get(
        json_object_get(
            json_array_get(json_object_get(feature(s, "web-one"), "strategies"),
                           0),
            "constraints"),
        0);
    json_t *dep =
        json_array_get(json_object_get(feature(s, "child"), "dependencies"), 0);
    json_t *segs = json_object_get(s, "segments");

    ck_assert_str_eq(json_string_value(json_object_get(c, "value")), "30");
    ck_assert_uint_eq(json_array_size(json_object_get(c, "values")), 0);
    ck_assert(json_is_true(json_object_get(c, "caseInsensitive")));
    ck_assert_str_eq(json_string_value(json_object_get(dep, "feature")),
                     "alpha");
    ck_assert(json_is_true(json_object_get(dep, "enabled")));
    ck_assert_str_eq(
        json_string_value(json_array_get(json_object_get(dep, "variants"), 0)),
        "v1");
    ck_assert_str_eq(
        json_string_value(json_object_get(
            json_array_get(json_object_get(feature(s, "beta"), "variants"), 0),
            "name")),
        "v1");
    /* Only the segments in use, the unused and archived ones not. */
    ck_assert_uint_eq(json_array_size(segs), 2);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_array_get(segs, 0), "id")), 7);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(segs, 1), "name")),
        "nordics");
    ck_assert_str_eq(
        json_string_value(json_array_get(
            json_object_get(json_object_get(s, "tags"), "beta"), 0)),
        "simple:blue");
    json_decref(s);
}
END_TEST

START_TEST(full_answer_flavours)
{
    struct vx_client_query top = {0}, inl = {.inline_segments = true};
    json_t *t = answer_json("development", &top, NULL);
    json_t *i = answer_json("development", &inl, NULL);
    json_t *ts =
        json_array_get(json_object_get(feature(t, "alpha"), "strategies"), 1);
    json_t *is =
        json_array_get(json_object_get(feature(i, "alpha"), "strategies"), 1);

    ck_assert_int_eq(json_integer_value(json_object_get(t, "version")), 2);
    ck_assert_uint_eq(json_array_size(json_object_get(t, "segments")), 2);
    ck_assert_uint_eq(json_array_size(json_object_get(ts, "constraints")), 1);
    ck_assert_ptr_nonnull(json_object_get(ts, "segments"));
    ck_assert(json_is_false(jsonp(t, "query", "inlineSegmentConstraints")));
    ck_assert_ptr_null(jsonp(t, "query", "project"));

    ck_assert_ptr_null(json_object_get(i, "segments"));
    ck_assert_ptr_null(json_object_get(is, "segments"));
    ck_assert_uint_eq(json_array_size(json_object_get(is, "constraints")), 2);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(is, "constraints"), 1),
                         "contextName")),
                     "userId");
    ck_assert(json_is_true(jsonp(i, "query", "inlineSegmentConstraints")));
    ck_assert_str_eq(json_string_value(jsonp(i, "query", "environment")),
                     "development");
    ck_assert_ptr_null(json_object_get(t, "tags"));
    json_decref(t);
    json_decref(i);
}
END_TEST

START_TEST(meta_and_etag_agree)
{
    struct vx_client_query q = {0};
    char etag[48], want[64];
    json_t *t = answer_json("development", &q, etag);

    ck_assert_str_eq(json_string_value(jsonp(t, "meta", "etag")), etag);
    snprintf(want, sizeof(want), "\"%s:%lld:v1\"",
             json_string_value(jsonp(t, "meta", "queryHash")),
             (long long)json_integer_value(jsonp(t, "meta", "revisionId")));
    ck_assert_str_eq(etag, want);
    json_decref(t);
}
END_TEST

START_TEST(filters_narrow_the_answer)
{
    json_t *projects = json_pack("[ss]", "web", "ops");
    json_t *tags = json_pack("[ss]", "simple:blue", "team:red");
    json_t *one_tag = json_pack("[s]", "team:red");
    struct vx_client_query q = {.projects = projects};
    char e1[48], e2[48];
    json_t *r;

    r = answer_json("development", &q, e1);
    ck_assert_str_eq(names(r), "web-one");
    ck_assert_str_eq(
        json_string_value(json_array_get(jsonp(r, "query", "project"), 0)),
        "ops");
    /* Its segment comes with it, the others not. */
    ck_assert_uint_eq(json_array_size(json_object_get(r, "segments")), 1);
    json_decref(r);

    q = (struct vx_client_query){.name_prefix = "al"};
    r = answer_json("development", &q, e2);
    ck_assert_str_eq(names(r), "alpha");
    ck_assert_str_eq(json_string_value(jsonp(r, "query", "namePrefix")), "al");
    ck_assert_str_ne(e1, e2);
    json_decref(r);

    q = (struct vx_client_query){.tags = tags};
    r = answer_json("development", &q, NULL);
    ck_assert_str_eq(names(r), "beta,web-one");
    json_decref(r);

    q = (struct vx_client_query){
        .tags = one_tag, .projects = projects, .inline_segments = true};
    r = answer_json("development", &q, NULL);
    ck_assert_str_eq(names(r), "web-one");
    ck_assert_ptr_null(json_object_get(r, "segments"));
    json_decref(r);

    /* An empty project list is nothing, not everything. */
    json_array_clear(projects);
    q = (struct vx_client_query){.projects = projects};
    r = answer_json("development", &q, NULL);
    ck_assert_str_eq(names(r), "");
    json_decref(r);
    json_decref(projects);
    json_decref(tags);
    json_decref(one_tag);
}
END_TEST

START_TEST(filtered_answers_are_cached_and_stable)
{
    json_t *p1 = json_pack("[ss]", "web", "default");
    json_t *p2 = json_pack("[sss]", "default", "web", "web");
    struct vx_client_query q1 = {.projects = p1}, q2 = {.projects = p2};
    struct vx_snapshot *snap = vx_snapshots_get(ss, "development");
    struct vx_answer *a = NULL, *b = NULL;

    /* The same query in another order is the same answer. */
    vx_snapshot_answer(snap, &q1, &a);
    vx_snapshot_answer(snap, &q2, &b);
    ck_assert_ptr_eq(a, b);
    vx_answer_release(a);
    vx_answer_release(b);
    vx_snapshot_release(snap);
    json_decref(p1);
    json_decref(p2);
}
END_TEST

/*
 * Query strings may hold the key separator: a project or tag holding it
 * must not share a cached answer (or an ETag) with the list of names it
 * spells, or one client could plant an empty answer for another's query.
 */
START_TEST(separator_in_a_query_is_not_a_field_boundary)
{
    json_t *two = json_pack("[ss]", "default", "web");
    json_t *one = json_pack("[s]", "default\x1fweb");
    json_t *tags = json_pack("[ss]", "simple:blue", "team:red");
    json_t *tag = json_pack("[s]", "simple:blue\x1fteam:red");
    struct vx_client_query q;
    char e1[48], e2[48];
    json_t *r;

    /* Planted first, then asked for by the honest query. */
    q = (struct vx_client_query){.projects = one};
    r = answer_json("development", &q, e1);
    ck_assert_str_eq(names(r), "");
    json_decref(r);
    q = (struct vx_client_query){.projects = two};
    r = answer_json("development", &q, e2);
    ck_assert_str_eq(names(r), "alpha,beta,child,web-one");
    ck_assert_str_ne(e1, e2);
    json_decref(r);

    q = (struct vx_client_query){.tags = tag};
    r = answer_json("development", &q, e1);
    ck_assert_str_eq(names(r), "");
    json_decref(r);
    q = (struct vx_client_query){.tags = tags};
    r = answer_json("development", &q, e2);
    ck_assert_str_eq(names(r), "beta,web-one");
    ck_assert_str_ne(e1, e2);
    json_decref(r);

    json_decref(two);
    json_decref(one);
    json_decref(tags);
    json_decref(tag);
}
END_TEST

START_TEST(gzip_round_trip)
{
    struct vx_client_query q = {0};
    struct vx_snapshot *snap = vx_snapshots_get(ss, "development");
    struct vx_answer *a = NULL;
    z_stream zs = {0};
    char out[16384];

    vx_snapshot_answer(snap, &q, &a);
    ck_assert_ptr_nonnull(a->gz);
    ck_assert_int_eq(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = (Bytef *)a->gz;
    zs.avail_in = (uInt)a->gz_len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = sizeof(out);
    ck_assert_int_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
    ck_assert_uint_eq(zs.total_out, a->len);
    ck_assert(!memcmp(out, a->body, a->len));
    inflateEnd(&zs);
    vx_answer_release(a);
    vx_snapshot_release(snap);
}
END_TEST

START_TEST(etag_changes_iff_content_changes)
{
    struct vx_client_query q = {0};
    struct vx_err err = {0};
    char dev1[48], dev2[48], dev3[48], prod1[48], prod2[48];
    json_t *r;

    json_decref(answer_json("development", &q, dev1));
    json_decref(answer_json("production", &q, prod1));
    /* A rebuild without a change keeps every ETag. */
    ck_assert_int_eq(vx_snapshots_rebuild(ss, &err), 0);
    json_decref(answer_json("development", &q, dev2));
    ck_assert_str_eq(dev1, dev2);
    /* A change in production leaves development alone. */
    exec_sql("UPDATE feature_environments SET enabled = 0"
             " WHERE feature_name = 'beta' AND environment = 'production';"
             "INSERT INTO events (type, created_at, created_by)"
             " VALUES ('feature-environment-disabled', 'x', 'test');");
    json_decref(answer_json("development", &q, dev3));
    ck_assert_str_eq(dev1, dev3);
    r = answer_json("production", &q, prod2);
    ck_assert_str_ne(prod1, prod2);
    ck_assert(json_is_false(json_object_get(feature(r, "beta"), "enabled")));
    json_decref(r);
    /* A tag is invisible in the answer but changes the tag filter. */
    exec_sql("INSERT INTO feature_tags VALUES ('alpha', 'simple',"
             " 'blue');");
    json_decref(answer_json("development", &q, dev3));
    ck_assert_str_ne(dev1, dev3);
}
END_TEST

START_TEST(revision_grows_with_each_change)
{
    struct vx_snapshot *a = vx_snapshots_get(ss, "development"), *b;

    exec_sql("UPDATE features SET stale = 1 WHERE name = 'alpha';");
    b = vx_snapshots_get(ss, "development");
    ck_assert_ptr_ne(a, b);
    ck_assert_int_gt(vx_snapshot_revision(b), vx_snapshot_revision(a));
    vx_snapshot_release(a);
    vx_snapshot_release(b);
}
END_TEST

START_TEST(old_snapshot_lives_while_referenced)
{
    struct vx_client_query q = {0};
    struct vx_snapshot *old = vx_snapshots_get(ss, "development");
    struct vx_answer *kept = NULL;
    json_t *r;

    vx_snapshot_answer(old, &q, &kept);
    exec_sql("DELETE FROM feature_strategies WHERE feature_name = 'alpha';"
             "DELETE FROM feature_environments"
             " WHERE feature_name = 'alpha';");
    /* The old snapshot still answers as it did. */
    ck_assert_str_eq(vx_snapshot_environment(old), "development");
    ck_assert(vx_flagset_feature(vx_snapshot_flagset(old), "alpha")->enabled);
    vx_snapshot_release(old);
    /* An answer outlives its snapshot. */
    r = json_loadb(kept->body, kept->len, 0, NULL);
    ck_assert(json_is_true(json_object_get(feature(r, "alpha"), "enabled")));
    json_decref(r);
    vx_answer_release(kept);
    r = answer_json("development", &q, NULL);
    ck_assert(json_is_false(json_object_get(feature(r, "alpha"), "enabled")));
    json_decref(r);
}
END_TEST

START_TEST(flagset_follows_the_environment)
{
    struct vx_snapshot *dev = vx_snapshots_get(ss, "development");
    struct vx_snapshot *prod = vx_snapshots_get(ss, "production");
    const struct vx_flagset *fd = vx_snapshot_flagset(dev);
    const struct vx_flagset *fp = vx_snapshot_flagset(prod);

    ck_assert_ptr_nonnull(fd);
    ck_assert(vx_flagset_feature(fd, "alpha")->enabled);
    ck_assert(!vx_flagset_feature(fp, "alpha")->enabled);
    ck_assert_ptr_null(vx_flagset_feature(fp, "web-one"));
    ck_assert_uint_eq(vx_flagset_feature(fd, "alpha")->strategies[1].n_segments,
                      1);
    ck_assert_ptr_nonnull(vx_flagset_segment(fd, 7));
    vx_snapshot_release(dev);
    vx_snapshot_release(prod);
}
END_TEST

START_TEST(single_feature_answer)
{
    struct vx_snapshot *snap = vx_snapshots_get(ss, "development");
    json_t *only_web = json_pack("[s]", "web");
    struct vx_answer *a = NULL;
    json_t *f;

    ck_assert_int_eq(vx_snapshot_feature(snap, "alpha", false, NULL, &a), 0);
    f = json_loadb(a->body, a->len, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(f, "name")), "alpha");
    ck_assert_ptr_nonnull(json_object_get(
        json_array_get(json_object_get(f, "strategies"), 1), "segments"));
    ck_assert_int_eq(a->etag[0], '"');
    json_decref(f);
    vx_answer_release(a);
    ck_assert_int_eq(vx_snapshot_feature(snap, "alpha", true, NULL, &a), 0);
    f = json_loadb(a->body, a->len, 0, NULL);
    ck_assert_ptr_null(json_object_get(
        json_array_get(json_object_get(f, "strategies"), 1), "segments"));
    json_decref(f);
    vx_answer_release(a);
    ck_assert_int_eq(vx_snapshot_feature(snap, "alpha", false, only_web, &a),
                     VX_ENOTFOUND);
    ck_assert_int_eq(vx_snapshot_feature(snap, "old", false, NULL, &a),
                     VX_ENOTFOUND);
    ck_assert_int_eq(vx_snapshot_feature(snap, "nope", false, NULL, &a),
                     VX_ENOTFOUND);
    json_decref(only_web);
    vx_snapshot_release(snap);
}
END_TEST

START_TEST(environments_come_and_go)
{
    struct vx_snapshot *snap;
    json_t *r;
    struct vx_client_query q = {0};

    ck_assert_ptr_null(vx_snapshots_get(ss, "staging"));
    exec_sql("INSERT INTO environments (name, type, created_at)"
             " VALUES ('staging', 'test', 'x');"
             "INSERT INTO project_environments (project_id, environment)"
             " VALUES ('default', 'staging');");
    r = answer_json("staging", &q, NULL);
    ck_assert_str_eq(names(r), "alpha,beta,child");
    json_decref(r);
    exec_sql("DELETE FROM environments WHERE name = 'staging';");
    snap = vx_snapshots_get(ss, "staging");
    ck_assert_ptr_null(snap);
}
END_TEST

/* Poll the development answer until told to stop; count bad answers. */
static void *poller(void *arg)
{
    atomic_int *stop = arg;
    struct vx_client_query q = {0};
    long bad = 0;

    while (!atomic_load(stop)) {
        struct vx_snapshot *snap = vx_snapshots_get(ss, "development");
        struct vx_answer *a = NULL;
        json_t *r;

        vx_snapshot_answer(snap, &q, &a);
        vx_snapshot_release(snap);
        r = json_loadb(a->body, a->len, 0, NULL);
        bad +=
            !json_is_boolean(json_object_get(feature(r, "alpha"), "enabled"));
        json_decref(r);
        vx_answer_release(a);
    }
    return (void *)bad;
}

START_TEST(readers_run_through_rebuilds)
{
    pthread_t t[4];
    atomic_int stop;
    void *bad;
    json_t *r;
    struct vx_client_query q = {0};

    atomic_init(&stop, 0);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, poller, &stop), 0);
    for (int i = 0; i < 40; i++)
        exec_sql(i % 2 ? "UPDATE feature_environments SET enabled = 1"
                         " WHERE feature_name = 'alpha';"
                       : "UPDATE feature_environments SET enabled = 0"
                         " WHERE feature_name = 'alpha';");
    atomic_store(&stop, 1);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_join(t[i], &bad), 0);
        ck_assert_ptr_null(bad);
    }
    r = answer_json("development", &q, NULL);
    ck_assert(json_is_true(json_object_get(feature(r, "alpha"), "enabled")));
    json_decref(r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("snapshot");
    TCase *tc = tcase_create("snapshot");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, state_lists_live_flags_of_projects_with_the_environment);
    tcase_add_test(tc, state_feature_and_strategy_shape);
    tcase_add_test(tc, state_constraints_dependencies_variants_segments_tags);
    tcase_add_test(tc, full_answer_flavours);
    tcase_add_test(tc, meta_and_etag_agree);
    tcase_add_test(tc, filters_narrow_the_answer);
    tcase_add_test(tc, filtered_answers_are_cached_and_stable);
    tcase_add_test(tc, separator_in_a_query_is_not_a_field_boundary);
    tcase_add_test(tc, gzip_round_trip);
    tcase_add_test(tc, etag_changes_iff_content_changes);
    tcase_add_test(tc, revision_grows_with_each_change);
    tcase_add_test(tc, old_snapshot_lives_while_referenced);
    tcase_add_test(tc, flagset_follows_the_environment);
    tcase_add_test(tc, single_feature_answer);
    tcase_add_test(tc, environments_come_and_go);
    tcase_add_test(tc, readers_run_through_rebuilds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(suite());
}
