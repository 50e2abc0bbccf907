/*
 * Change requests over HTTP: protection settings, the 403 of every
 * direct change to a protected environment, drafts and their checks,
 * reviews by several users, apply with its version check, races, the
 * scheduler across a restart, comments and lists.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "../testing.h"

#define P "/api/admin/projects/default"
#define CRS P "/change-requests"
#define PROD_CR P "/environments/production/change-requests"

static struct srv s;
static char *alice, *bob, *carol, *viewer; /* tokens */

/* Make the users of every test: alice, bob, carol (Editors), vic. */
static void make_users(void)
{
    alice = user_token(&s, "alice", "Editor");
    bob = user_token(&s, "bob", "Editor");
    carol = user_token(&s, "carol", "Editor");
    viewer = user_token(&s, "vic", "Viewer");
}

static void setup(void)
{
    srv_start(&s, NULL);
    make_users();
}

static void teardown(void)
{
    srv_cleanup(&s);
    free(alice);
    free(bob);
    free(carol);
    free(viewer);
}

/* Set the change-request settings of env in the default project. */
static void protect(const char *env, int on, int approvals)
{
    char path[200];

    snprintf(path, sizeof(path), P "/environments/%s/change-requests/config",
             env);
    ck_assert_int_eq(req_j(&s, "PUT", path, ADMIN, NULL, "{s:b, s:i}",
                           "changeRequestsEnabled", on, "requiredApprovals",
                           approvals),
                     204);
}

/* Create flag name in the default project. */
static void make_flag(const char *name)
{
    ck_assert_int_eq(
        req_j(&s, "POST", P "/features", ADMIN, NULL, "{s:s}", "name", name),
        201);
}

/* Turn flag on (on=1) or off directly in env; returns the status. */
static long toggle(const char *token, const char *flag, const char *env, int on)
{
    char path[200];

    snprintf(path, sizeof(path), P "/features/%s/environments/%s/%s", flag, env,
             on ? "on" : "off");
    return req(&s, "POST", path, token, NULL, NULL);
}

/* The production section of flag, as JSON text; caller frees. */
static char *prod_state(const char *flag)
{
    struct resp r;
    char path[200], *text;

    snprintf(path, sizeof(path), P "/features/%s", flag);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    text = json_dumps(jget(r.json, "environments[1]"), JSON_SORT_KEYS);
    ck_assert_str_eq(jstr(r.json, "environments[1].name"), "production");
    resp_free(&r);
    return text;
}

/* Whether flag is on in production. */
static int prod_on(const char *flag)
{
    struct resp r;
    char path[200];
    int on;

    snprintf(path, sizeof(path), P "/features/%s", flag);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    on = json_is_true(jget(r.json, "environments[1].enabled"));
    resp_free(&r);
    return on;
}

/* Add "turn flag on" to token's production draft; returns the id. */
static long long add_enable(const char *token, const char *flag)
{
    struct resp r;
    long long id;

    ck_assert_int_eq(req_j(&s, "POST", PROD_CR, token, &r,
                           "{s:s, s:s, s:{s:b}}", "feature", flag, "action",
                           "updateEnabled", "payload", "enabled", 1),
                     200);
    id = jint(r.json, "id");
    ck_assert_int_gt(id, 0);
    resp_free(&r);
    return id;
}

/* Ask to move request id to state as token; r may be NULL. */
static long move(const char *token, long long id, const char *state,
                 struct resp *r)
{
    char path[200];

    snprintf(path, sizeof(path), CRS "/%lld/state", id);
    return req_j(&s, "PUT", path, token, r, "{s:s}", "state", state);
}

/* The request id as the admin reads it; caller frees r. */
static void get_cr(long long id, struct resp *r)
{
    char path[200];

    snprintf(path, sizeof(path), CRS "/%lld", id);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, r), 200);
}

/* Assert that request id is in state. */
static void assert_state(long long id, const char *state)
{
    struct resp r;

    get_cr(id, &r);
    ck_assert_str_eq(jstr(r.json, "state"), state);
    resp_free(&r);
}

/* A request by alice on flag, submitted and approved by bob. */
static long long approved_request(const char *flag)
{
    long long id = add_enable(alice, flag);

    ck_assert_int_eq(move(alice, id, "In review", NULL), 200);
    ck_assert_int_eq(move(bob, id, "Approved", NULL), 200);
    assert_state(id, "Approved");
    return id;
}

/* Number of audit events of type. */
static long count_events(const char *type)
{
    struct resp r;
    char path[200];
    long n;

    snprintf(path, sizeof(path), "/api/admin/events?type=%s&limit=1000", type);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    n = (long)json_array_size(jget(r.json, "events"));
    resp_free(&r);
    return n;
}

/* Assert r is status with a message containing needle. */
static void assert_err(struct resp *r, long status, const char *needle)
{
    ck_assert_int_eq(r->status, status);
    ck_assert_ptr_nonnull(jstr(r->json, "message"));
    ck_assert_msg(strstr(jstr(r->json, "message"), needle) != NULL,
                  "message \"%s\" lacks \"%s\"", jstr(r->json, "message"),
                  needle);
}

START_TEST(test_config)
{
    struct resp r;
    const char *cfg = P "/environments/production/change-requests/config";

    ck_assert_int_eq(req(&s, "GET", CRS "/config", viewer, NULL, &r), 200);
    ck_assert_uint_eq(json_array_size(r.json), 2);
    ck_assert_str_eq(jstr(r.json, "[1].environment"), "production");
    ck_assert_str_eq(jstr(r.json, "[1].type"), "production");
    ck_assert(json_is_false(jget(r.json, "[1].changeRequestEnabled")));
    ck_assert_int_eq(jint(r.json, "[1].requiredApprovals"), 1);
    resp_free(&r);

    req_j(&s, "PUT", cfg, ADMIN, &r, "{s:i}", "changeRequestsEnabled", 1);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"),
                     "/body/changeRequestsEnabled");
    resp_free(&r);
    req_j(&s, "PUT", cfg, ADMIN, &r, "{s:b, s:i}", "changeRequestsEnabled", 1,
          "requiredApprovals", 11);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"),
                     "/body/requiredApprovals");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "PUT", cfg, ADMIN, NULL, "{s:b, s:i}",
                           "changeRequestsEnabled", 1, "requiredApprovals", 0),
                     400);
    ck_assert_int_eq(
        req_j(&s, "PUT", cfg, alice, NULL, "{s:b}", "changeRequestsEnabled", 1),
        403);
    ck_assert_int_eq(req_j(&s, "PUT",
                           "/api/admin/projects/nope/environments/production/"
                           "change-requests/config",
                           ADMIN, NULL, "{s:b}", "changeRequestsEnabled", 1),
                     404);
    ck_assert_int_eq(req_j(&s, "PUT",
                           P "/environments/nope/change-requests/config", ADMIN,
                           NULL, "{s:b}", "changeRequestsEnabled", 1),
                     404);
    ck_assert_int_eq(req(&s, "GET",
                         "/api/admin/projects/nope/change-requests/config",
                         ADMIN, NULL, NULL),
                     404);
    /* Nothing of the refused writes stuck. */
    req(&s, "GET", CRS "/config", ADMIN, NULL, &r);
    ck_assert(json_is_false(jget(r.json, "[1].changeRequestEnabled")));
    resp_free(&r);

    protect("production", 1, 3);
    req(&s, "GET", CRS "/config", ADMIN, NULL, &r);
    ck_assert(json_is_true(jget(r.json, "[1].changeRequestEnabled")));
    ck_assert_int_eq(jint(r.json, "[1].requiredApprovals"), 3);
    ck_assert(json_is_false(jget(r.json, "[0].changeRequestEnabled")));
    resp_free(&r);
    /* Leaving requiredApprovals out keeps it. */
    ck_assert_int_eq(
        req_j(&s, "PUT", cfg, ADMIN, NULL, "{s:b}", "changeRequestsEnabled", 0),
        204);
    req(&s, "GET", CRS "/config", ADMIN, NULL, &r);
    ck_assert(json_is_false(jget(r.json, "[1].changeRequestEnabled")));
    ck_assert_int_eq(jint(r.json, "[1].requiredApprovals"), 3);
    resp_free(&r);
    ck_assert_int_eq(count_events("change-request-configuration-updated"), 2);
}
END_TEST

#define E P "/features/f/environments/production"

START_TEST(test_direct_changes_refused)
{
    struct resp r;
    char *before, *after, sid[64];

    make_flag("f");
    make_flag("parent");
    ck_assert_int_eq(req_j(&s, "POST", E "/strategies", ADMIN, &r, "{s:s}",
                           "name", "default"),
                     200);
    snprintf(sid, sizeof(sid), "%s", jstr(r.json, "id"));
    resp_free(&r);
    ck_assert_int_eq(toggle(ADMIN, "f", "production", 1), 200);
    protect("production", 1, 1);
    before = prod_state("f");

    req(&s, "POST", E "/off", ADMIN, NULL, &r);
    assert_err(&r, 403, PROD_CR);
    resp_free(&r);
    ck_assert_int_eq(toggle(alice, "f", "production", 0), 403);
    ck_assert_int_eq(req_j(&s, "POST", E "/strategies", ADMIN, NULL, "{s:s}",
                           "name", "default"),
                     403);
    {
        char path[200];

        snprintf(path, sizeof(path), E "/strategies/%s", sid);
        ck_assert_int_eq(
            req_j(&s, "PUT", path, ADMIN, NULL, "{s:s}", "name", "default"),
            403);
        ck_assert_int_eq(req(&s, "PATCH", path, ADMIN,
                             "[{\"op\":\"replace\",\"path\":\"/disabled\","
                             "\"value\":true}]",
                             NULL),
                         403);
        ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 403);
    }
    ck_assert_int_eq(
        req(&s, "POST", E "/strategies/set-sort-order", ADMIN, "[]", NULL),
        403);
    ck_assert_int_eq(req(&s, "PUT", E "/variants", ADMIN,
                         "[{\"name\":\"a\",\"weight\":1000}]", NULL),
                     403);
    ck_assert_int_eq(req(&s, "PATCH", E "/variants", ADMIN, "[]", NULL), 403);
    ck_assert_int_eq(req_j(&s, "POST", P "/features/f/dependencies", ADMIN,
                           NULL, "{s:s}", "feature", "parent"),
                     403);
    ck_assert_int_eq(req(&s, "DELETE", P "/features/f", ADMIN, NULL, NULL),
                     403);

    after = prod_state("f");
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    ck_assert_int_eq(req(&s, "GET", P "/features/f", ADMIN, NULL, &r), 200);
    ck_assert(json_is_false(jget(r.json, "archived")));
    resp_free(&r);

    /* Development is not protected, and a flag off in production may be
     * archived. */
    ck_assert_int_eq(toggle(alice, "f", "development", 1), 200);
    ck_assert_int_eq(req(&s, "DELETE", P "/features/parent", ADMIN, NULL, NULL),
                     202);
}
END_TEST

/* A clone of a flag that is on in production starts off there. */
START_TEST(test_clone_starts_off_where_protected)
{
    struct resp r;

    make_flag("orig");
    ck_assert_int_eq(toggle(ADMIN, "orig", "production", 1), 200);
    ck_assert_int_eq(toggle(ADMIN, "orig", "development", 1), 200);
    protect("production", 1, 1);
    ck_assert_int_eq(req_j(&s, "POST", P "/features/orig/clone", alice, &r,
                           "{s:s}", "name", "copy"),
                     201);
    resp_free(&r);
    ck_assert(prod_on("orig"));
    ck_assert(!prod_on("copy"));
    ck_assert_int_eq(req(&s, "GET", P "/features/copy", ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "environments[0].name"), "development");
    ck_assert(json_is_true(jget(r.json, "environments[0].enabled")));
    resp_free(&r);
}
END_TEST

START_TEST(test_add_checks)
{
    struct resp r;

    make_flag("f");
    /* Not protected: no change requests there. */
    req_j(&s, "POST", PROD_CR, alice, &r, "{s:s, s:s, s:{s:b}}", "feature", "f",
          "action", "updateEnabled", "payload", "enabled", 1);
    assert_err(&r, 409, "not enabled");
    resp_free(&r);
    protect("production", 1, 1);

    ck_assert_int_eq(req(&s, "POST", PROD_CR, alice, "\"x\"", &r), 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body");
    resp_free(&r);
    req_j(&s, "POST", PROD_CR, alice, &r, "{s:s, s:{s:b}}", "action",
          "updateEnabled", "payload", "enabled", 1);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/feature");
    resp_free(&r);
    req_j(&s, "POST", PROD_CR, alice, &r, "{s:s, s:s}", "feature", "f",
          "action", "fly");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/action");
    resp_free(&r);
    req_j(&s, "POST", PROD_CR, alice, &r, "{s:s, s:s, s:{s:s}}", "feature", "f",
          "action", "updateEnabled", "payload", "enabled", "yes");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/payload/enabled");
    resp_free(&r);
    req(&s, "POST", PROD_CR, alice,
        "[{\"feature\":\"f\",\"action\":\"updateEnabled\","
        "\"payload\":{\"enabled\":true}},{\"feature\":\"f\","
        "\"action\":\"deleteStrategy\",\"payload\":{}}]",
        &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/1/payload/id");
    resp_free(&r);
    /* The operation refuses: unknown flag, unknown strategy, unknown
     * strategy id. */
    ck_assert_int_eq(req_j(&s, "POST", PROD_CR, alice, NULL,
                           "{s:s, s:s, s:{s:b}}", "feature", "nope", "action",
                           "updateEnabled", "payload", "enabled", 1),
                     404);
    req_j(&s, "POST", PROD_CR, alice, &r, "{s:s, s:s, s:{s:s}}", "feature", "f",
          "action", "addStrategy", "payload", "name", "nope");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/name");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", PROD_CR, alice, NULL,
                           "{s:s, s:s, s:{s:s}}", "feature", "f", "action",
                           "deleteStrategy", "payload", "id", "nope"),
                     404);
    ck_assert_int_eq(req_j(&s, "POST", PROD_CR, viewer, NULL,
                           "{s:s, s:s, s:{s:b}}", "feature", "f", "action",
                           "updateEnabled", "payload", "enabled", 1),
                     403);
    ck_assert_int_eq(req_j(&s, "POST",
                           "/api/admin/projects/nope/environments/production/"
                           "change-requests",
                           alice, NULL, "{s:s, s:s, s:{s:b}}", "feature", "f",
                           "action", "updateEnabled", "payload", "enabled", 1),
                     404);
    /* None of that made a request, nor changed the flag. */
    req(&s, "GET", CRS, ADMIN, NULL, &r);
    ck_assert_uint_eq(json_array_size(r.json), 0);
    resp_free(&r);
    ck_assert(!prod_on("f"));
    ck_assert_int_eq(count_events("change-request-created"), 0);

    /* An array of changes, then another: one draft holds them all. */
    ck_assert_int_eq(
        req(&s, "POST", PROD_CR, alice,
            "[{\"feature\":\"f\",\"action\":\"addStrategy\","
            "\"payload\":{\"name\":\"default\"}},{\"feature\":\"f\","
            "\"action\":\"updateEnabled\",\"payload\":{\"enabled\":true}}]",
            &r),
        200);
    ck_assert_str_eq(jstr(r.json, "state"), "Draft");
    ck_assert_str_eq(jstr(r.json, "createdBy.username"), "alice");
    ck_assert_str_eq(jstr(r.json, "features[0].name"), "f");
    ck_assert_uint_eq(json_array_size(jget(r.json, "features[0].changes")), 2);
    ck_assert_str_eq(jstr(r.json, "features[0].changes[1].action"),
                     "updateEnabled");
    resp_free(&r);
    ck_assert_int_eq(add_enable(alice, "f"), 1);
    get_cr(1, &r);
    ck_assert_uint_eq(json_array_size(jget(r.json, "features[0].changes")), 3);
    resp_free(&r);
    /* Bob's changes go to bob's own draft. */
    ck_assert_int_eq(add_enable(bob, "f"), 2);
    ck_assert(!prod_on("f"));
    ck_assert_int_eq(count_events("change-request-created"), 2);
    ck_assert_int_eq(count_events("change-request-added"), 4);
}
END_TEST

START_TEST(test_review_and_apply)
{
    struct resp r;
    long long id, own;

    make_flag("f");
    protect("production", 1, 1);
    id = add_enable(alice, "f");

    /* A draft cannot be approved or applied. */
    req(&s, "PUT", CRS "/1/state", bob, "{\"state\":\"Applied\"}", &r);
    assert_err(&r, 409, "is Draft");
    resp_free(&r);
    move(bob, id, "Approved", &r);
    assert_err(&r, 409, "is Draft");
    resp_free(&r);
    ck_assert_int_eq(move(bob, id, "In review", NULL), 403);
    ck_assert_int_eq(move(alice, id, "In review", NULL), 200);
    assert_state(id, "In review");

    /* Self-approval, whatever the role; a Viewer cannot approve. */
    move(alice, id, "Approved", &r);
    assert_err(&r, 403, "author");
    resp_free(&r);
    ck_assert_int_eq(move(viewer, id, "Approved", NULL), 403);
    assert_state(id, "In review");
    own = add_enable(ADMIN, "f");
    ck_assert_int_eq(move(ADMIN, own, "In review", NULL), 200);
    ck_assert_int_eq(move(ADMIN, own, "Approved", NULL), 403);
    assert_state(own, "In review");

    ck_assert_int_eq(move(bob, id, "Approved", &r), 200);
    ck_assert_str_eq(jstr(r.json, "state"), "Approved");
    ck_assert_int_eq(jint(r.json, "approvalCount"), 1);
    ck_assert_str_eq(jstr(r.json, "approvals[0].createdBy.username"), "bob");
    resp_free(&r);
    ck_assert(!prod_on("f"));
    ck_assert_int_eq(move(viewer, id, "Applied", NULL), 403);

    ck_assert_int_eq(move(alice, id, "Applied", &r), 200);
    ck_assert_str_eq(jstr(r.json, "state"), "Applied");
    resp_free(&r);
    ck_assert(prod_on("f"));
    move(alice, id, "Applied", &r);
    assert_err(&r, 409, "is Applied");
    resp_free(&r);
    ck_assert_int_eq(move(alice, id, "Cancelled", NULL), 409);

    /* The flag's own event names the request; every step has its event. */
    req(&s, "GET", "/api/admin/events?type=feature-environment-enabled", ADMIN,
        NULL, &r);
    ck_assert_str_eq(jstr(r.json, "events[0].createdBy"),
                     "alice (change request 1)");
    resp_free(&r);
    ck_assert_int_eq(count_events("change-request-submitted"), 2);
    ck_assert_int_eq(count_events("change-request-approved"), 1);
    ck_assert_int_eq(count_events("change-request-applied"), 1);

    /* Unknown ids and bad states. */
    ck_assert_int_eq(move(alice, 99, "Applied", NULL), 404);
    ck_assert_int_eq(
        req(&s, "PUT", CRS "/x/state", alice, "{\"state\":\"Applied\"}", NULL),
        404);
    move(alice, own, "Draft", &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/state");
    resp_free(&r);
}
END_TEST

START_TEST(test_reject_and_cancel)
{
    struct resp r;
    long long id;

    make_flag("f");
    protect("production", 1, 1);
    id = add_enable(alice, "f");
    ck_assert_int_eq(move(bob, id, "Rejected", NULL), 409);
    ck_assert_int_eq(move(alice, id, "In review", NULL), 200);
    ck_assert_int_eq(move(alice, id, "Rejected", NULL), 403);
    ck_assert_int_eq(req_j(&s, "PUT", CRS "/1/state", bob, &r, "{s:s, s:s}",
                           "state", "Rejected", "comment", "not now"),
                     200);
    ck_assert_str_eq(jstr(r.json, "state"), "Rejected");
    ck_assert_str_eq(jstr(r.json, "rejections[0].createdBy.username"), "bob");
    ck_assert_str_eq(jstr(r.json, "rejections[0].comment"), "not now");
    resp_free(&r);
    move(carol, id, "Approved", &r);
    assert_err(&r, 409, "is Rejected");
    resp_free(&r);
    ck_assert_int_eq(move(alice, id, "Applied", NULL), 409);
    ck_assert(!prod_on("f"));

    /* A new change opens a new draft; only its author cancels it. */
    id = add_enable(alice, "f");
    ck_assert_int_eq(id, 2);
    ck_assert_int_eq(move(bob, id, "Cancelled", NULL), 403);
    ck_assert_int_eq(move(alice, id, "Cancelled", NULL), 200);
    assert_state(id, "Cancelled");
    move(alice, id, "Cancelled", &r);
    assert_err(&r, 409, "is Cancelled");
    resp_free(&r);
    ck_assert_int_eq(count_events("change-request-rejected"), 1);
    ck_assert_int_eq(count_events("change-request-cancelled"), 1);
}
END_TEST

START_TEST(test_approvals_counted_per_user)
{
    struct resp r;
    long long id;

    make_flag("f");
    protect("production", 1, 2);
    id = add_enable(alice, "f");
    ck_assert_int_eq(move(alice, id, "In review", NULL), 200);
    ck_assert_int_eq(move(bob, id, "Approved", NULL), 200);
    ck_assert_int_eq(move(bob, id, "Approved", &r), 200);
    ck_assert_str_eq(jstr(r.json, "state"), "In review");
    ck_assert_int_eq(jint(r.json, "approvalCount"), 1);
    ck_assert_int_eq(jint(r.json, "minApprovals"), 2);
    resp_free(&r);
    ck_assert_int_eq(move(alice, id, "Applied", NULL), 409);
    ck_assert_int_eq(move(carol, id, "Approved", &r), 200);
    ck_assert_str_eq(jstr(r.json, "state"), "Approved");
    ck_assert_uint_eq(json_array_size(jget(r.json, "approvals")), 2);
    resp_free(&r);
    ck_assert_int_eq(move(carol, id, "Applied", NULL), 200);
    ck_assert(prod_on("f"));
}
END_TEST

START_TEST(test_edit_drops_approvals)
{
    struct resp r;
    long long id;

    make_flag("f");
    make_flag("g");
    protect("production", 1, 2);
    id = add_enable(alice, "f");
    ck_assert_int_eq(move(alice, id, "In review", NULL), 200);
    ck_assert_int_eq(move(bob, id, "Approved", NULL), 200);
    ck_assert_int_eq(add_enable(alice, "g"), id);
    get_cr(id, &r);
    ck_assert_str_eq(jstr(r.json, "state"), "In review");
    ck_assert_int_eq(jint(r.json, "approvalCount"), 0);
    ck_assert_uint_eq(json_array_size(jget(r.json, "features")), 2);
    resp_free(&r);

    /* From Approved too: back to review, apply refused. */
    ck_assert_int_eq(move(bob, id, "Approved", NULL), 200);
    ck_assert_int_eq(move(carol, id, "Approved", NULL), 200);
    assert_state(id, "Approved");
    ck_assert_int_eq(add_enable(alice, "g"), id);
    assert_state(id, "In review");
    move(alice, id, "Applied", &r);
    assert_err(&r, 409, "is In review");
    resp_free(&r);
    ck_assert(!prod_on("f"));
    ck_assert(!prod_on("g"));
}
END_TEST

START_TEST(test_protection_changes_while_open)
{
    struct resp r;
    long long id;

    make_flag("f");
    protect("production", 1, 1);
    id = add_enable(alice, "f");
    /* The request keeps the approvals it was created with. */
    protect("production", 1, 3);
    get_cr(id, &r);
    ck_assert_int_eq(jint(r.json, "minApprovals"), 1);
    resp_free(&r);

    /* Protection off: the draft still cannot be applied, new changes
     * cannot be added, direct changes pass again. */
    protect("production", 0, 1);
    move(alice, id, "Applied", &r);
    assert_err(&r, 409, "is Draft");
    resp_free(&r);
    ck_assert(!prod_on("f"));
    req_j(&s, "POST", PROD_CR, alice, &r, "{s:s, s:s, s:{s:b}}", "feature", "f",
          "action", "updateEnabled", "payload", "enabled", 1);
    assert_err(&r, 409, "not enabled");
    resp_free(&r);
    ck_assert_int_eq(move(alice, id, "In review", NULL), 200);
    ck_assert_int_eq(move(alice, id, "Applied", NULL), 409);
    ck_assert_int_eq(move(bob, id, "Approved", NULL), 200);

    /* Approved, and nothing moved: it applies. */
    ck_assert_int_eq(move(alice, id, "Applied", NULL), 200);
    ck_assert(prod_on("f"));
    ck_assert_int_eq(toggle(alice, "f", "production", 0), 200);
}
END_TEST

START_TEST(test_conflict)
{
    struct resp r;
    long long id;

    make_flag("f");
    protect("production", 1, 1);
    id = approved_request("f");
    /* Someone changes the flag (in an unprotected environment). */
    ck_assert_int_eq(toggle(carol, "f", "development", 1), 200);
    move(alice, id, "Applied", &r);
    assert_err(&r, 409, "flag \"f\" has changed");
    resp_free(&r);
    ck_assert(!prod_on("f"));
    get_cr(id, &r);
    ck_assert_str_eq(jstr(r.json, "state"), "Conflicted");
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "conflict"), "\"f\""));
    resp_free(&r);
    ck_assert_int_eq(count_events("change-request-conflict"), 1);
    ck_assert_int_eq(count_events("change-request-applied"), 0);
    /* Conflicted is final; a new change opens a new request. */
    ck_assert_int_eq(move(alice, id, "Applied", NULL), 409);
    ck_assert_int_eq(add_enable(alice, "f"), id + 1);

    /* A request of two flags where the second moved: neither applies. */
    make_flag("g");
    ck_assert_int_eq(move(alice, id + 1, "Cancelled", NULL), 200);
    id = add_enable(alice, "f");
    ck_assert_int_eq(add_enable(alice, "g"), id);
    ck_assert_int_eq(move(alice, id, "In review", NULL), 200);
    ck_assert_int_eq(move(bob, id, "Approved", NULL), 200);
    ck_assert_int_eq(req_j(&s, "PUT", P "/features/g", ADMIN, NULL, "{s:s}",
                           "description", "edited"),
                     200);
    move(alice, id, "Applied", &r);
    assert_err(&r, 409, "flag \"g\"");
    resp_free(&r);
    ck_assert(!prod_on("f"));
    ck_assert(!prod_on("g"));
}
END_TEST

/* Token's change to flag: action with payload (JSON text); returns r. */
static long add_change(const char *token, const char *flag, const char *action,
                       const char *payload, struct resp *r)
{
    char body[512];

    snprintf(body, sizeof(body),
             "{\"feature\":\"%s\",\"action\":\"%s\",\"payload\":%s}", flag,
             action, payload);
    return req(&s, "POST", PROD_CR, token, body, r);
}

/* Number of changes of request id, all flags together. */
static size_t change_count(long long id)
{
    struct resp r;
    json_t *f;
    size_t i, n = 0;

    get_cr(id, &r);
    json_array_foreach (jget(r.json, "features"), i, f)
        n += json_array_size(json_object_get(f, "changes"));
    n += json_array_size(jget(r.json, "segments"));
    resp_free(&r);
    return n;
}

/* Submit request id as alice, approve it as bob, apply it as alice. */
static void review_and_apply(long long id)
{
    ck_assert_int_eq(move(alice, id, "In review", NULL), 200);
    ck_assert_int_eq(move(bob, id, "Approved", NULL), 200);
    ck_assert_int_eq(move(alice, id, "Applied", NULL), 200);
    assert_state(id, "Applied");
}

/* Changes that contradict those already in the request are refused. */
START_TEST(test_contradicting_changes_refused)
{
    struct resp r;
    char sid[64], payload[128], *before;
    long long id;

    make_flag("f");
    make_flag("g");
    ck_assert_int_eq(req_j(&s, "POST", E "/strategies", ADMIN, &r, "{s:s}",
                           "name", "default"),
                     200);
    snprintf(sid, sizeof(sid), "%s", jstr(r.json, "id"));
    resp_free(&r);
    protect("production", 1, 1);
    before = prod_state("f");

    /* Delete strategy X, then update it: the update is refused. */
    snprintf(payload, sizeof(payload), "{\"id\":\"%s\"}", sid);
    ck_assert_int_eq(add_change(alice, "f", "deleteStrategy", payload, &r),
                     200);
    id = jint(r.json, "id");
    resp_free(&r);
    snprintf(payload, sizeof(payload),
             "{\"id\":\"%s\",\"name\":\"default\",\"title\":\"t\"}", sid);
    add_change(alice, "f", "updateStrategy", payload, &r);
    assert_err(&r, 404,
               "conflicts with the changes already in change "
               "request 1: after its change 1 (deleteStrategy of "
               "flag \"f\")");
    assert_err(&r, 404, sid);
    resp_free(&r);
    ck_assert_uint_eq(change_count(id), 1);
    get_cr(id, &r);
    ck_assert_str_eq(jstr(r.json, "features[0].changes[0].action"),
                     "deleteStrategy");
    resp_free(&r);
    /* On its own, against the flag as it is, the update is fine. */
    ck_assert_int_eq(add_change(bob, "f", "updateStrategy", payload, NULL),
                     200);

    /* Archive a flag, then turn it on: refused. */
    ck_assert_int_eq(add_change(alice, "g", "archiveFeature", "{}", NULL), 200);
    add_change(alice, "g", "updateEnabled", "{\"enabled\":true}", &r);
    /* Change 2 is bob's: ids count across requests. */
    assert_err(&r, 404, "after its change 3 (archiveFeature of flag \"g\")");
    resp_free(&r);
    ck_assert_uint_eq(change_count(id), 2);

    /* The same pair in one body: the second names the first. */
    ck_assert_int_eq(move(alice, id, "Cancelled", NULL), 200);
    req(&s, "POST", PROD_CR, alice,
        "[{\"feature\":\"g\",\"action\":\"archiveFeature\"},"
        "{\"feature\":\"g\",\"action\":\"updateEnabled\","
        "\"payload\":{\"enabled\":true}}]",
        &r);
    assert_err(&r, 404,
               "`/body/1` (updateEnabled of flag \"g\") conflicts "
               "with `/body/0` (archiveFeature of flag \"g\")");
    resp_free(&r);
    ck_assert_int_eq(count_events("change-request-added"), 3);
    req(&s, "GET", CRS "?state=Draft", ADMIN, NULL, &r);
    ck_assert_uint_eq(json_array_size(r.json), 1); /* bob's only */
    resp_free(&r);

    /* A strategy added in the request has no id yet to name. */
    ck_assert_int_eq(
        add_change(alice, "g", "addStrategy", "{\"name\":\"default\"}", &r),
        200);
    id = jint(r.json, "id");
    resp_free(&r);
    add_change(alice, "g", "deleteStrategy", "{\"id\":\"unknown\"}", &r);
    assert_err(&r, 404, "gets its id only when the request is applied");
    resp_free(&r);
    ck_assert_uint_eq(change_count(id), 1);

    /* Nothing reached the flags. */
    {
        char *after = prod_state("f");

        ck_assert_str_eq(after, before);
        free(after);
    }
    free(before);
    ck_assert(!prod_on("g"));
}
END_TEST

/* A request whose own changes no longer apply takes no more. */
START_TEST(test_stale_request_takes_no_more)
{
    struct resp r;
    long long id;

    make_flag("f");
    make_flag("g");
    protect("production", 1, 1);
    id = add_enable(alice, "f");
    /* f is off in production, so archiving it directly is allowed. */
    ck_assert_int_eq(req(&s, "DELETE", P "/features/f", ADMIN, NULL, NULL),
                     202);
    add_change(alice, "g", "updateEnabled", "{\"enabled\":true}", &r);
    assert_err(&r, 409, "change request 1 no longer applies as it is");
    assert_err(&r, 409, "its change 1 (updateEnabled of flag \"f\") fails");
    assert_err(&r, 409, "cancel it");
    resp_free(&r);
    ck_assert_uint_eq(change_count(id), 1);
    ck_assert_int_eq(move(alice, id, "Cancelled", NULL), 200);
    ck_assert_int_gt(add_enable(alice, "g"), id);
}
END_TEST

/*
 * Changes that build on each other are accepted, and apply runs them in
 * the order they were added.
 */
START_TEST(test_consistent_changes_apply_in_order)
{
    struct resp r;
    json_t *ev;
    const char *types[4] = {NULL};
    const char *want[4] = {"feature-strategy-add",
                           "feature-environment-enabled",
                           "feature-environment-variants-updated",
                           "feature-environment-variants-updated"};
    size_t i, n = 0;
    long long id;

    make_flag("f");
    protect("production", 1, 1);
    ck_assert_int_eq(
        req(&s, "POST", PROD_CR, alice,
            "[{\"feature\":\"f\",\"action\":\"addStrategy\","
            "\"payload\":{\"name\":\"flexibleRollout\",\"parameters\":"
            "{\"rollout\":\"10\",\"stickiness\":\"default\","
            "\"groupId\":\"f\"}}},"
            "{\"feature\":\"f\",\"action\":\"updateEnabled\","
            "\"payload\":{\"enabled\":true}}]",
            &r),
        200);
    id = jint(r.json, "id");
    resp_free(&r);
    ck_assert_int_eq(add_change(alice, "f", "patchVariant",
                                "{\"variants\":[{\"name\":\"a\"}]}", NULL),
                     200);
    ck_assert_int_eq(add_change(alice, "f", "patchVariant",
                                "{\"variants\":[{\"name\":\"b\"},"
                                "{\"name\":\"c\"}]}",
                                NULL),
                     200);
    ck_assert_uint_eq(change_count(id), 4);
    ck_assert(!prod_on("f"));
    review_and_apply(id);

    /* Turning on a flag without strategies would add a default one:
     * there is only the rollout, so the strategy came first. The last
     * variants win. */
    req(&s, "GET", P "/features/f", ADMIN, NULL, &r);
    ck_assert(json_is_true(jget(r.json, "environments[1].enabled")));
    ck_assert_uint_eq(
        json_array_size(jget(r.json, "environments[1].strategies")), 1);
    ck_assert_str_eq(jstr(r.json, "environments[1].strategies[0].name"),
                     "flexibleRollout");
    ck_assert_uint_eq(json_array_size(jget(r.json, "environments[1].variants")),
                      2);
    ck_assert_str_eq(jstr(r.json, "environments[1].variants[0].name"), "b");
    ck_assert_str_eq(jstr(r.json, "environments[1].variants[1].name"), "c");
    resp_free(&r);

    /* The audit log, oldest first, shows the four in order. */
    req(&s, "GET", "/api/admin/events?limit=1000", ADMIN, NULL, &r);
    for (i = json_array_size(jget(r.json, "events")); i-- > 0;) {
        ev = json_array_get(jget(r.json, "events"), i);
        if (!strstr(json_string_value(json_object_get(ev, "createdBy")),
                    "(change request"))
            continue;
        ck_assert_uint_lt(n, 4);
        types[n++] = json_string_value(json_object_get(ev, "type"));
    }
    ck_assert_uint_eq(n, 4);
    for (i = 0; i < 4; i++)
        ck_assert_str_eq(types[i], want[i]);
    resp_free(&r);
}
END_TEST

struct racer {
    const char *token;
    long long id;
    const char *state;
    long status;
};

/* Thread body: one state change. */
static void *race(void *arg)
{
    struct racer *r = arg;
    char path[200], body[64];

    snprintf(path, sizeof(path), CRS "/%lld/state", r->id);
    snprintf(body, sizeof(body), "{\"state\":\"%s\"}", r->state);
    r->status = req(&s, "PUT", path, r->token, body, NULL);
    return NULL;
}

/* Run a and b at once. */
static void run_race(struct racer *a, struct racer *b)
{
    pthread_t ta, tb;

    pthread_create(&ta, NULL, race, a);
    pthread_create(&tb, NULL, race, b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
}

START_TEST(test_races)
{
    char flag[16];

    protect("production", 1, 1);
    for (int i = 0; i < 4; i++) {
        struct racer a = {alice, 0, "Applied", 0};
        struct racer b = {carol, 0, "Applied", 0};

        snprintf(flag, sizeof(flag), "r%d", i);
        make_flag(flag);
        a.id = b.id = approved_request(flag);
        run_race(&a, &b);
        ck_assert_msg((a.status == 200) + (b.status == 200) == 1 &&
                          (a.status == 409) + (b.status == 409) == 1,
                      "statuses %ld and %ld", a.status, b.status);
        ck_assert(prod_on(flag));
    }
    ck_assert_int_eq(count_events("change-request-applied"), 4);
    ck_assert_int_eq(count_events("feature-environment-enabled"), 4);

    /* Approval against apply: the apply wins only after the approval. */
    for (int i = 0; i < 4; i++) {
        struct racer a = {bob, 0, "Approved", 0};
        struct racer b = {alice, 0, "Applied", 0};
        struct resp r;

        snprintf(flag, sizeof(flag), "q%d", i);
        make_flag(flag);
        a.id = b.id = add_enable(alice, flag);
        ck_assert_int_eq(move(alice, a.id, "In review", NULL), 200);
        run_race(&a, &b);
        ck_assert_int_eq(a.status, 200);
        get_cr(a.id, &r);
        if (b.status == 200) {
            ck_assert_str_eq(jstr(r.json, "state"), "Applied");
            ck_assert(prod_on(flag));
        } else {
            ck_assert_int_eq(b.status, 409);
            ck_assert_str_eq(jstr(r.json, "state"), "Approved");
            ck_assert(!prod_on(flag));
            ck_assert_int_eq(move(alice, a.id, "Cancelled", NULL), 200);
        }
        resp_free(&r);
    }
}
END_TEST

/* An ISO time secs seconds from now. */
static void iso_in(int secs, char *buf, size_t len)
{
    time_t t = time(NULL) + secs;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Wait up to secs seconds for request id to leave Scheduled. */
static void wait_applied(long long id, int secs, char *state, size_t len)
{
    struct resp r;

    for (int i = 0; i < secs * 5; i++) {
        get_cr(id, &r);
        snprintf(state, len, "%s", jstr(r.json, "state"));
        resp_free(&r);
        if (strcmp(state, "Scheduled"))
            return;
        usleep(200 * 1000);
    }
}

START_TEST(test_schedule_across_restart)
{
    struct resp r;
    char at[32], state[32];
    long long id;

    make_flag("f");
    protect("production", 1, 1);
    id = approved_request("f");
    req_j(&s, "PUT", CRS "/1/state", alice, &r, "{s:s, s:s}", "state",
          "Applied", "scheduledAt", "soon");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/scheduledAt");
    resp_free(&r);
    ck_assert_int_eq(move(alice, id, "Scheduled", NULL), 400);
    assert_state(id, "Approved");

    iso_in(4, at, sizeof(at));
    ck_assert_int_eq(req_j(&s, "PUT", CRS "/1/state", alice, &r, "{s:s, s:s}",
                           "state", "Applied", "scheduledAt", at),
                     200);
    ck_assert_str_eq(jstr(r.json, "state"), "Scheduled");
    ck_assert_ptr_nonnull(jstr(r.json, "scheduledAt"));
    resp_free(&r);
    req(&s, "GET", CRS "/pending", viewer, NULL, &r);
    ck_assert_uint_eq(json_array_size(r.json), 1);
    resp_free(&r);
    ck_assert_int_eq(srv_stop(&s), 0);
    ck_assert(!0);
    srv_restart(&s, NULL);
    ck_assert(!prod_on("f"));
    assert_state(id, "Scheduled");
    wait_applied(id, 10, state, sizeof(state));
    ck_assert_str_eq(state, "Applied");
    ck_assert(prod_on("f"));
    ck_assert_int_eq(count_events("change-request-scheduled"), 1);
    ck_assert_int_eq(count_events("change-request-applied"), 1);
}
END_TEST

START_TEST(test_schedule_of_archived_flag_fails)
{
    struct resp r;
    char at[32], state[32];
    long long id;

    make_flag("f");
    protect("production", 1, 1);
    id = approved_request("f");
    iso_in(2, at, sizeof(at));
    ck_assert_int_eq(req_j(&s, "PUT", CRS "/1/state", alice, NULL, "{s:s, s:s}",
                           "state", "Scheduled", "scheduledAt", at),
                     200);
    ck_assert_int_eq(req(&s, "DELETE", P "/features/f", ADMIN, NULL, NULL),
                     202);
    wait_applied(id, 10, state, sizeof(state));
    ck_assert_str_eq(state, "Conflicted");
    get_cr(id, &r);
    ck_assert_ptr_nonnull(strstr(jstr(r.json, "conflict"), "\"f\""));
    resp_free(&r);
    ck_assert_int_eq(count_events("change-request-conflict"), 1);
    ck_assert_int_eq(count_events("change-request-applied"), 0);
    ck_assert_int_eq(
        req(&s, "GET", "/api/admin/archive/features", ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "features[0].name"), "f");
    resp_free(&r);
}
END_TEST

START_TEST(test_service_account_opens_human_approves)
{
    struct resp r;
    char path[128], *ci;
    long long sa, id;

    make_flag("f");
    protect("production", 1, 1);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/service-account", ADMIN, &r,
                           "{s:s, s:s}", "username", "ci", "rootRole",
                           "Editor"),
                     201);
    sa = jint(r.json, "id");
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/admin/service-account/%lld/token", sa);
    ck_assert_int_eq(
        req_j(&s, "POST", path, ADMIN, &r, "{s:s}", "description", "pipeline"),
        201);
    ci = strdup(jstr(r.json, "secret"));
    resp_free(&r);

    ck_assert_int_eq(toggle(ci, "f", "production", 1), 403);
    id = add_enable(ci, "f");
    ck_assert_int_eq(move(ci, id, "In review", NULL), 200);
    ck_assert_int_eq(move(ci, id, "Approved", NULL), 403);
    ck_assert_int_eq(move(bob, id, "Approved", NULL), 200);
    ck_assert_int_eq(move(bob, id, "Applied", &r), 200);
    ck_assert_str_eq(jstr(r.json, "createdBy.username"), "ci");
    resp_free(&r);
    ck_assert(prod_on("f"));
    free(ci);
}
END_TEST

START_TEST(test_comments_and_lists)
{
    struct resp r;
    long long a, b;

    make_flag("f");
    make_flag("g");
    protect("production", 1, 1);
    a = add_enable(alice, "f");
    b = add_enable(bob, "g");
    ck_assert_int_eq(req_j(&s, "POST", CRS "/1/comments", carol, &r, "{s:s}",
                           "text", "looks fine"),
                     201);
    ck_assert_str_eq(jstr(r.json, "text"), "looks fine");
    ck_assert_str_eq(jstr(r.json, "createdBy.username"), "carol");
    resp_free(&r);
    req_j(&s, "POST", CRS "/1/comments", carol, &r, "{s:s}", "text", "");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(jstr(r.json, "details[0].path"), "/body/text");
    resp_free(&r);
    ck_assert_int_eq(
        req_j(&s, "POST", CRS "/1/comments", carol, NULL, "{s:i}", "text", 1),
        400);
    ck_assert_int_eq(
        req_j(&s, "POST", CRS "/9/comments", carol, NULL, "{s:s}", "text", "x"),
        404);
    ck_assert_int_eq(req_j(&s, "POST", CRS "/1/comments", viewer, NULL, "{s:s}",
                           "text", "x"),
                     403);
    ck_assert_int_eq(req(&s, "GET", CRS "/1", viewer, NULL, &r), 200);
    ck_assert_uint_eq(json_array_size(jget(r.json, "comments")), 1);
    ck_assert_str_eq(jstr(r.json, "comments[0].text"), "looks fine");
    resp_free(&r);
    ck_assert_int_eq(count_events("change-request-comment-added"), 1);

    ck_assert_int_eq(move(alice, a, "Cancelled", NULL), 200);
    req(&s, "GET", CRS, viewer, NULL, &r);
    ck_assert_uint_eq(json_array_size(r.json), 2);
    resp_free(&r);
    req(&s, "GET", CRS "/pending", viewer, NULL, &r);
    ck_assert_uint_eq(json_array_size(r.json), 1);
    ck_assert_int_eq(jint(r.json, "[0].id"), b);
    resp_free(&r);
    req(&s, "GET", CRS "?state=Cancelled", viewer, NULL, &r);
    ck_assert_uint_eq(json_array_size(r.json), 1);
    ck_assert_int_eq(jint(r.json, "[0].id"), a);
    resp_free(&r);
    req(&s, "GET", CRS "?feature=g", viewer, NULL, &r);
    ck_assert_uint_eq(json_array_size(r.json), 1);
    ck_assert_int_eq(jint(r.json, "[0].id"), b);
    resp_free(&r);

    ck_assert_int_eq(req(&s, "GET", "/api/admin/projects/nope/change-requests",
                         ADMIN, NULL, NULL),
                     404);
    ck_assert_int_eq(req(&s, "GET", CRS "/abc", ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects", ADMIN, NULL,
                           "{s:s, s:s}", "id", "other", "name", "O"),
                     201);
    ck_assert_int_eq(req(&s, "GET",
                         "/api/admin/projects/other/change-requests/1", ADMIN,
                         NULL, NULL),
                     404);
}
END_TEST

#define UPD                                                                    \
    "{\"action\":\"updateSegment\",\"payload\":{\"id\":%lld,"                  \
    "\"name\":\"beta\",\"constraints\":[]}}"

START_TEST(test_segment_changes)
{
    struct resp r;
    long long seg, id;
    char body[256];

    protect("production", 1, 1);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/segments", ADMIN, &r,
                           "{s:s, s:[]}", "name", "s1", "constraints"),
                     201);
    seg = jint(r.json, "id");
    resp_free(&r);
    snprintf(body, sizeof(body), UPD, seg);
    ck_assert_int_eq(req(&s, "POST", PROD_CR, alice, body, &r), 200);
    id = jint(r.json, "id");
    ck_assert_int_eq(jint(r.json, "segments[0].id"), seg);
    resp_free(&r);
    ck_assert_int_eq(move(alice, id, "In review", NULL), 200);
    ck_assert_int_eq(move(bob, id, "Approved", NULL), 200);
    ck_assert_int_eq(move(bob, id, "Applied", NULL), 200);
    snprintf(body, sizeof(body), "/api/admin/segments/%lld", seg);
    req(&s, "GET", body, ADMIN, NULL, &r);
    ck_assert_str_eq(jstr(r.json, "name"), "beta");
    resp_free(&r);

    /* Edited directly after the change was added: a conflict. */
    snprintf(body, sizeof(body), UPD, seg);
    ck_assert_int_eq(req(&s, "POST", PROD_CR, alice, body, &r), 200);
    id = jint(r.json, "id");
    resp_free(&r);
    ck_assert_int_eq(move(alice, id, "In review", NULL), 200);
    ck_assert_int_eq(move(bob, id, "Approved", NULL), 200);
    snprintf(body, sizeof(body), "/api/admin/segments/%lld", seg);
    ck_assert_int_eq(req_j(&s, "PUT", body, ADMIN, NULL, "{s:s, s:[]}", "name",
                           "gamma", "constraints"),
                     204);
    move(bob, id, "Applied", &r);
    assert_err(&r, 409, "segment");
    resp_free(&r);
    req(&s, "GET", body, ADMIN, NULL, &r);
    ck_assert_str_eq(jstr(r.json, "name"), "gamma");
    resp_free(&r);
}
END_TEST

/* A segment used in a protected environment is edited only by request. */
START_TEST(test_segment_used_in_protected_env)
{
    struct resp r;
    long long prod_seg, dev_seg;
    char path[128];

    make_flag("f");
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/segments", ADMIN, &r,
                           "{s:s, s:[]}", "name", "in-prod", "constraints"),
                     201);
    prod_seg = jint(r.json, "id");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/segments", ADMIN, &r,
                           "{s:s, s:[]}", "name", "in-dev", "constraints"),
                     201);
    dev_seg = jint(r.json, "id");
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", E "/strategies", ADMIN, NULL,
                           "{s:s, s:[I]}", "name", "default", "segments",
                           (json_int_t)prod_seg),
                     200);
    ck_assert_int_eq(req_j(&s, "POST",
                           P "/features/f/environments/development/strategies",
                           ADMIN, NULL, "{s:s, s:[I]}", "name", "default",
                           "segments", (json_int_t)dev_seg),
                     200);
    protect("production", 1, 1);

    snprintf(path, sizeof(path), "/api/admin/segments/%lld", prod_seg);
    req_j(&s, "PUT", path, ADMIN, &r, "{s:s, s:[]}", "name", "renamed",
          "constraints");
    assert_err(&r, 403, "change request");
    resp_free(&r);
    ck_assert_int_eq(req(&s, "DELETE", path, ADMIN, NULL, NULL), 403);
    ck_assert_int_eq(req(&s, "GET", path, ADMIN, NULL, &r), 200);
    ck_assert_str_eq(jstr(r.json, "name"), "in-prod");
    resp_free(&r);

    /* One used only where nothing is protected edits directly. */
    snprintf(path, sizeof(path), "/api/admin/segments/%lld", dev_seg);
    ck_assert_int_eq(req_j(&s, "PUT", path, ADMIN, NULL, "{s:s, s:[]}", "name",
                           "renamed", "constraints"),
                     204);
}
END_TEST

START_TEST(test_protect_production_setting)
{
    static const char *const env[] = {"VEXIL_PROTECT_PRODUCTION=1", NULL};
    struct resp r;

    srv_cleanup(&s);
    srv_start(&s, env);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects", ADMIN, NULL,
                           "{s:s, s:s}", "id", "shop", "name", "Shop"),
                     201);
    req(&s, "GET", "/api/admin/projects/shop/change-requests/config", ADMIN,
        NULL, &r);
    ck_assert(json_is_true(jget(r.json, "[1].changeRequestEnabled")));
    ck_assert_int_eq(jint(r.json, "[1].requiredApprovals"), 1);
    ck_assert(json_is_false(jget(r.json, "[0].changeRequestEnabled")));
    resp_free(&r);
    /* Existing projects keep their settings. */
    req(&s, "GET", CRS "/config", ADMIN, NULL, &r);
    ck_assert(json_is_false(jget(r.json, "[1].changeRequestEnabled")));
    resp_free(&r);
    ck_assert_int_eq(req_j(&s, "POST", "/api/admin/projects/shop/features",
                           ADMIN, NULL, "{s:s}", "name", "x"),
                     201);
    ck_assert_int_eq(req(&s, "POST",
                         "/api/admin/projects/shop/features/x/environments/"
                         "production/on",
                         ADMIN, NULL, NULL),
                     403);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("change_requests");
    TCase *tc = tcase_create("http");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_config);
    tcase_add_test(tc, test_direct_changes_refused);
    tcase_add_test(tc, test_clone_starts_off_where_protected);
    tcase_add_test(tc, test_add_checks);
    tcase_add_test(tc, test_review_and_apply);
    tcase_add_test(tc, test_reject_and_cancel);
    tcase_add_test(tc, test_approvals_counted_per_user);
    tcase_add_test(tc, test_edit_drops_approvals);
    tcase_add_test(tc, test_protection_changes_while_open);
    tcase_add_test(tc, test_conflict);
    tcase_add_test(tc, test_contradicting_changes_refused);
    tcase_add_test(tc, test_stale_request_takes_no_more);
    tcase_add_test(tc, test_consistent_changes_apply_in_order);
    tcase_add_test(tc, test_races);
    tcase_add_test(tc, test_schedule_across_restart);
    tcase_add_test(tc, test_schedule_of_archived_flag_fails);
    tcase_add_test(tc, test_service_account_opens_human_approves);
    tcase_add_test(tc, test_comments_and_lists);
    tcase_add_test(tc, test_segment_changes);
    tcase_add_test(tc, test_segment_used_in_protected_env);
    tcase_add_test(tc, test_protect_production_setting);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
