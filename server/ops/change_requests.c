/*
 * The rules of change requests: which change may be added, who may move
 * a request to which state, and applying it in one transaction with a
 * check that nothing it touches moved since. A new change is checked on
 * top of the request's own changes, replayed in order through the same
 * run_change() that apply uses. Rows are read and written
 * through store/change_requests.h; the changes themselves run through
 * the flag and strategy operations (ops/features.h, ops/strategies.h),
 * which record their own audit events.
 */
#include "ops/change_requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/features.h"
#include "ops/strategies.h"
#include "store/change_requests.h"
#include "store/features.h"
#include "store/projects.h"
#include "util.h"
#include "vx_alloc.h"

/* One change, read from a request body or from the store. */
struct change {
    const char *feature; /* NULL for segment changes */
    const char *action;
    json_t *payload; /* borrowed */
    int64_t segment; /* segment changes: the segment's id */
};

static const char *const flag_actions[] = {
    "updateEnabled",    "addStrategy",  "updateStrategy", "deleteStrategy",
    "reorderStrategy",  "patchVariant", "archiveFeature", "addDependency",
    "deleteDependency", NULL,
};

/*
 * Segments are shared by every environment: a direct edit of one used in
 * a protected environment is refused (handlers/common.c), and these
 * actions make the edit through a change request instead.
 */
static const char *const segment_actions[] = {
    "updateSegment",
    "deleteSegment",
    NULL,
};

/* True when s is one of the NULL-terminated list. */
static int one_of(const char *s, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(s, list[i]))
            return 1;
    return 0;
}

/* A 400 naming base/key as the field at fault: "`base/key` what". */
static int bad_field(struct vx_err *err, const char *base, const char *key,
                     const char *what)
{
    char where[96];

    snprintf(where, sizeof(where), "%s/%s", base, key);
    return vx_err_set(err, VX_EINVAL, where, "`%s` %s", where, what);
}

/* Check the payload's shape for c's action. */
static int check_payload(const struct change *c, const char *base,
                         struct vx_err *err)
{
    const char *a = c->action;
    json_t *p = c->payload;

    if (!strcmp(a, "reorderStrategy"))
        return json_is_array(p) ? VX_OK
                                : bad_field(err, base, "payload",
                                            "must be an array of {id, "
                                            "sortOrder}");
    if (!json_is_object(p))
        return bad_field(err, base, "payload", "must be an object");
    if (!strcmp(a, "updateEnabled") &&
        !json_is_boolean(json_object_get(p, "enabled")))
        return bad_field(err, base, "payload/enabled",
                         "is required and must be a boolean");
    if ((!strcmp(a, "updateStrategy") || !strcmp(a, "deleteStrategy")) &&
        !json_is_string(json_object_get(p, "id")))
        return bad_field(err, base, "payload/id",
                         "is required and must be a strategy id");
    if (!strcmp(a, "patchVariant") &&
        !json_is_array(json_object_get(p, "variants")))
        return bad_field(err, base, "payload/variants",
                         "is required and must be an array");
    if (!strcmp(a, "deleteDependency") &&
        !json_is_string(json_object_get(p, "feature")))
        return bad_field(err, base, "payload/feature",
                         "is required and must be a flag name");
    return VX_OK;
}

/*
 * Read change in (an element of a request body, at base) into *c,
 * pointing into in.
 */
static int read_change(json_t *in, const char *base, struct change *c,
                       struct vx_err *err)
{
    json_t *id;

    memset(c, 0, sizeof(*c));
    if (!json_is_object(in))
        return vx_err_set(err, VX_EINVAL, base,
                          "`%s` must be an object {feature, action, "
                          "payload}",
                          base);
    c->action = json_string_value(json_object_get(in, "action"));
    c->feature = json_string_value(json_object_get(in, "feature"));
    c->payload = json_object_get(in, "payload");
    if (!c->action || (!one_of(c->action, flag_actions) &&
                       !one_of(c->action, segment_actions)))
        return bad_field(err, base, "action",
                         "must be one of updateEnabled, addStrategy, "
                         "updateStrategy, deleteStrategy, reorderStrategy, "
                         "patchVariant, archiveFeature, addDependency, "
                         "deleteDependency, updateSegment, deleteSegment");
    if (one_of(c->action, segment_actions)) {
        c->feature = NULL;
        id = json_object_get(c->payload, "id");
        if (!json_is_integer(id) || json_integer_value(id) < 1)
            return bad_field(err, base, "payload/id",
                             "is required and must be a segment id");
        c->segment = json_integer_value(id);
        return check_payload(c, base, err);
    }
    if (!c->feature || !*c->feature)
        return bad_field(err, base, "feature",
                         "is required and must be a flag name");
    if (!c->payload && !strcmp(c->action, "archiveFeature"))
        return VX_OK;
    if (!c->payload)
        return bad_field(err, base, "payload", "is required");
    return check_payload(c, base, err);
}

/* Run the flag change c on project/env as who. */
static int run_flag_change(struct vx_store *st, const struct vx_actor *who,
                           const char *project, const char *env,
                           const struct change *c, struct vx_err *err)
{
    const char *a = c->action, *f = c->feature;
    json_t *p = c->payload, *out = NULL;
    const char *s = json_string_value(json_object_get(p, "id"));
    int rc = vx_op_flag_env_check(st, project, f, env, err);

    if (rc)
        return rc;
    if (!strcmp(a, "updateEnabled"))
        rc = vx_op_feature_toggle(st, who, project, f, env,
                                  json_is_true(json_object_get(p, "enabled")),
                                  err);
    else if (!strcmp(a, "addStrategy"))
        rc = vx_op_strategy_add(st, who, project, f, env, p, &out, err);
    else if (!strcmp(a, "updateStrategy"))
        rc = vx_op_strategy_update(st, who, project, f, env, s, p, &out, err);
    else if (!strcmp(a, "deleteStrategy"))
        rc = vx_op_strategy_delete(st, who, project, f, env, s, err);
    else if (!strcmp(a, "reorderStrategy"))
        rc = vx_op_strategy_reorder(st, who, project, f, env, p, err);
    else if (!strcmp(a, "patchVariant"))
        rc = vx_op_variants_set(st, who, project, f, env,
                                json_object_get(p, "variants"), &out, err);
    else if (!strcmp(a, "archiveFeature"))
        rc = vx_op_feature_archive(st, who, project, f, err);
    else if (!strcmp(a, "addDependency"))
        rc = vx_op_dependency_add(st, who, project, f, p, err);
    else
        rc = vx_op_dependency_delete(
            st, who, project, f,
            json_string_value(json_object_get(p, "feature")), err);
    json_decref(out);
    return rc;
}

/* Run change c on project/env as who. */
static int run_change(struct vx_store *st, const struct vx_actor *who,
                      const char *project, const char *env,
                      const struct change *c, struct vx_err *err)
{
    json_t *out = NULL;
    int rc;

    if (c->feature)
        return run_flag_change(st, who, project, env, c, err);
    rc = vx_store_project_env_check(st, project, env, err);
    if (rc == VX_OK && !strcmp(c->action, "updateSegment"))
        rc = vx_op_segment_update(st, who, c->segment, c->payload, &out, err);
    else if (rc == VX_OK)
        rc = vx_op_segment_delete(st, who, c->segment, err);
    json_decref(out);
    return rc;
}

/* The current version of what c touches into *v. */
static int version_of(struct vx_store *st, const struct change *c, int64_t *v,
                      struct vx_err *err)
{
    if (c->feature)
        return vx_store_feature_version(st, c->feature, v, err);
    return vx_store_segment_version(st, c->segment, v, err);
}

/* Record event type about request cr ({id, project, environment}). */
static int cr_event(struct vx_store *st, const struct vx_actor *who,
                    const char *type, json_t *cr, const char *feature,
                    json_t *extra, struct vx_err *err)
{
    json_t *data =
        json_pack("{s:O}", "changeRequestId", json_object_get(cr, "id"));
    int rc;

    if (extra)
        json_object_update(data, extra);
    rc = vx_store_event(
        st, who, type, json_string_value(json_object_get(cr, "project")),
        feature, json_string_value(json_object_get(cr, "environment")), NULL,
        data, err);
    json_decref(data);
    return rc;
}

/* The change stored as row c (of vx_store_cr_changes()) into *ch. */
static void change_of_row(json_t *c, struct change *ch)
{
    ch->feature = json_string_value(json_object_get(c, "feature"));
    ch->action = json_string_value(json_object_get(c, "action"));
    ch->payload = json_object_get(c, "payload");
    ch->segment = json_integer_value(json_object_get(c, "segmentId"));
}

/* "action of flag \"f\"" or "action of segment n" for c, into buf. */
static void describe(const struct change *c, char *buf, size_t len)
{
    if (c->feature)
        snprintf(buf, len, "%s of flag \"%s\"", c->action, c->feature);
    else
        snprintf(buf, len, "%s of segment %lld", c->action,
                 (long long)c->segment);
}

/*
 * What adding changes checks: the changes already in the open request,
 * in the order they were added, then the new ones.
 */
struct plan {
    const struct vx_actor *who;
    const char *project;
    const char *env;
    int64_t request;    /* the open request, 0 when there is none */
    json_t *rows;       /* its changes (vx_store_cr_changes()) */
    struct change *seq; /* rows, then the new changes */
    size_t old;         /* how many of seq come from rows */
    size_t len;         /* how many in all */
};

/*
 * Run the first k changes of p, then change j when k <= j < p->len,
 * and undo them all: a dry run. *failed gets the index of the change
 * that failed.
 */
static int dry_run(struct vx_store *st, const struct plan *p, size_t k,
                   size_t j, size_t *failed, struct vx_err *err)
{
    int rc = vx_store_savepoint(st, err);

    if (rc)
        return rc;
    for (size_t i = 0; rc == VX_OK && i < k; i++) {
        *failed = i;
        rc = run_change(st, p->who, p->project, p->env, &p->seq[i], err);
    }
    if (rc == VX_OK && j >= k && j < p->len) {
        *failed = j;
        rc = run_change(st, p->who, p->project, p->env, &p->seq[j], err);
    }
    vx_store_savepoint_undo(st);
    return rc;
}

/* Where new change i of p is in the request body. */
static void body_place(const struct plan *p, size_t i, char *buf, size_t len)
{
    if (p->len - p->old == 1)
        snprintf(buf, len, "/body");
    else
        snprintf(buf, len, "/body/%zu", i - p->old);
}

/*
 * The 409 of change i of the open request, which fails now with the
 * error in err: the request can no longer apply as it is.
 */
static int stale(const struct plan *p, size_t i, struct vx_err *err)
{
    json_t *row = json_array_get(p->rows, i);
    char what[160], why[sizeof(err->msg)];

    describe(&p->seq[i], what, sizeof(what));
    snprintf(why, sizeof(why), "%s", err->msg);
    return vx_err_set(err, VX_ECONFLICT, NULL,
                      "change request %lld no longer applies as it is, so "
                      "nothing can be added to it: its change %lld (%s) "
                      "fails: %s; cancel it and add the changes to a new "
                      "request",
                      (long long)p->request,
                      (long long)json_integer_value(json_object_get(row, "id")),
                      what, why);
}

/*
 * New change i of p fails on its own with rc and err: add why when it
 * names a strategy that an earlier change of p adds.
 */
static int alone(const struct plan *p, size_t i, int rc, struct vx_err *err)
{
    const struct change *c = &p->seq[i];
    char msg[sizeof(err->msg)], path[sizeof(err->path)];

    if (!c->feature || (strcmp(c->action, "updateStrategy") &&
                        strcmp(c->action, "deleteStrategy") &&
                        strcmp(c->action, "reorderStrategy")))
        return rc;
    for (size_t k = 0; k < i; k++) {
        if (!p->seq[k].feature || strcmp(p->seq[k].feature, c->feature) ||
            strcmp(p->seq[k].action, "addStrategy"))
            continue;
        snprintf(msg, sizeof(msg), "%s", err->msg);
        snprintf(path, sizeof(path), "%s", err->path);
        return vx_err_set(err, rc, *path ? path : NULL,
                          "%s (a strategy added by a change request gets "
                          "its id only when the request is applied, so "
                          "no change can name it before then: put it in "
                          "its addStrategy change as it should end up)",
                          msg);
    }
    return rc;
}

/*
 * New change i of p fails with rc and err after change k of p, though
 * not without it: say that it conflicts with that change.
 */
static int conflicts(const struct plan *p, size_t i, size_t k, int rc,
                     struct vx_err *err)
{
    char msg[sizeof(err->msg)], path[sizeof(err->path)];
    char what[160], with[160], place[32], before[32];

    snprintf(msg, sizeof(msg), "%s", err->msg);
    snprintf(path, sizeof(path), "%s", err->path);
    describe(&p->seq[i], what, sizeof(what));
    describe(&p->seq[k], with, sizeof(with));
    body_place(p, i, place, sizeof(place));
    if (k >= p->old) {
        body_place(p, k, before, sizeof(before));
        return vx_err_set(err, rc, *path ? path : NULL,
                          "`%s` (%s) conflicts with `%s` (%s) before it: %s",
                          place, what, before, with, msg);
    }
    return vx_err_set(
        err, rc, *path ? path : NULL,
        "`%s` (%s) conflicts with the changes already in change request "
        "%lld: after its change %lld (%s), %s",
        place, what, (long long)p->request,
        (long long)json_integer_value(
            json_object_get(json_array_get(p->rows, k), "id")),
        with, msg);
}

/*
 * Check the new changes of p on top of the changes already in the
 * request, by running them all in order and undoing them. A new
 * change that fails is refused with its operation's error; when it
 * would pass on its own, the message names the first earlier change
 * after which it fails.
 */
static int try_changes(struct vx_store *st, const struct plan *p,
                       struct vx_err *err)
{
    size_t failed = 0, at = 0, k;
    int rc = dry_run(st, p, p->len, p->len, &failed, err);

    if (rc == VX_OK || rc == VX_EDB || rc == VX_EINTERNAL)
        return rc;
    if (failed < p->old)
        return stale(p, failed, err);
    for (k = 0; k <= failed; k++) {
        rc = dry_run(st, p, k, failed, &at, err);
        if (rc)
            break;
    }
    if (rc == VX_OK || rc == VX_EDB || rc == VX_EINTERNAL)
        return rc;
    if (k == 0)
        return alone(p, failed, rc, err);
    return conflicts(p, failed, k - 1, rc, err);
}

/*
 * Fill p with who's open request in project/env (if any) and its
 * changes, followed by the n new changes cs; release with plan_free().
 */
static int plan_make(struct vx_store *st, const struct vx_actor *who,
                     const char *project, const char *env,
                     const struct change *cs, size_t n, struct plan *p,
                     struct vx_err *err)
{
    int rc =
        vx_store_cr_open_find(st, project, env, who->user_id, &p->request, err);

    p->who = who;
    p->project = project;
    p->env = env;
    if (rc == VX_ENOTFOUND) {
        p->request = 0;
        p->rows = json_array();
        rc = VX_OK;
    } else if (rc == VX_OK) {
        rc = vx_store_cr_changes(st, p->request, &p->rows, err);
    }
    if (rc)
        return rc;
    p->old = json_array_size(p->rows);
    p->len = p->old + n;
    p->seq = vx_calloc(p->len ? p->len : 1, sizeof(*p->seq));
    for (size_t i = 0; i < p->old; i++)
        change_of_row(json_array_get(p->rows, i), &p->seq[i]);
    for (size_t i = 0; i < n; i++)
        p->seq[p->old + i] = cs[i];
    return VX_OK;
}

/* Release what plan_make() filled in p. */
static void plan_free(struct plan *p)
{
    json_decref(p->rows);
    free(p->seq);
}

/*
 * The id of who's open request in project/env into *id, creating a
 * Draft (and its event) when there is none; *row gets its row.
 */
static int open_request(struct vx_store *st, const struct vx_actor *who,
                        const char *project, const char *env, int64_t approvals,
                        int64_t *id, json_t **row, struct vx_err *err)
{
    int rc = vx_store_cr_open_find(st, project, env, who->user_id, id, err);
    int created = rc == VX_ENOTFOUND;

    if (created)
        rc = vx_store_cr_insert(st, project, env, approvals, who->user_id, id,
                                err);
    if (rc == VX_OK)
        rc = vx_store_cr_row(st, NULL, *id, row, err);
    if (rc == VX_OK && created)
        rc = cr_event(st, who, "change-request-created", *row, NULL, NULL, err);
    return rc;
}

/* Store the changes cs (checked) in request cr, with their events. */
static int store_changes(struct vx_store *st, const struct vx_actor *who,
                         json_t *cr, const struct change *cs, size_t n,
                         struct vx_err *err)
{
    int64_t id = json_integer_value(json_object_get(cr, "id")), v = 0;
    int rc = VX_OK;

    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        json_t *extra, *payload;

        rc = version_of(st, &cs[i], &v, err);
        if (rc)
            break;
        payload = cs[i].payload ? json_incref(cs[i].payload) : json_object();
        rc =
            vx_store_cr_change_add(st, id, cs[i].feature, cs[i].segment,
                                   cs[i].action, payload, v, who->user_id, err);
        extra =
            json_pack("{s:s, s:o}", "action", cs[i].action, "payload", payload);
        if (rc == VX_OK)
            rc = cr_event(st, who, "change-request-added", cr, cs[i].feature,
                          extra, err);
        json_decref(extra);
    }
    return rc;
}

/* Reopen a request in review or approved that got new changes. */
static int reopen(struct vx_store *st, json_t *cr, struct vx_err *err)
{
    const char *state = json_string_value(json_object_get(cr, "state"));
    int64_t id = json_integer_value(json_object_get(cr, "id"));
    int rc;

    if (!strcmp(state, "Draft"))
        return VX_OK;
    rc = vx_store_cr_approvals_drop(st, id, err);
    if (rc == VX_OK)
        rc = vx_store_cr_set_state(st, id, "In review", err);
    return rc;
}

/* Refuse changes to env of project unless change requests guard it. */
static int check_protected(struct vx_store *st, const char *project,
                           const char *env, int64_t *approvals,
                           struct vx_err *err)
{
    int enabled = 0;
    int rc = vx_store_project_env_check(st, project, env, err);

    if (rc == VX_OK)
        rc = vx_store_cr_config_get(st, project, env, &enabled, approvals, err);
    if (rc == VX_OK && !enabled)
        rc = vx_err_set(err, VX_ECONFLICT, NULL,
                        "change requests are not enabled for environment "
                        "\"%s\" of project \"%s\": change it directly, or "
                        "enable them with PUT /api/admin/projects/%s/"
                        "environments/%s/change-requests/config",
                        env, project, project, env);
    return rc;
}

int vx_op_cr_add(struct vx_store *st, const struct vx_actor *who,
                 const char *project, const char *env, json_t *changes,
                 int64_t *id, struct vx_err *err)
{
    size_t n = json_array_size(changes);
    struct change *cs = vx_calloc(n ? n : 1, sizeof(*cs));
    struct plan plan = {0};
    json_t *cr = NULL;
    int64_t approvals = 1;
    char base[32];
    int rc = VX_OK;

    if (n == 0)
        rc = vx_err_set(err, VX_EINVAL, "/body",
                        "the body must hold at least one change");
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        snprintf(base, sizeof(base), n == 1 ? "/body" : "/body/%zu", i);
        rc = read_change(json_array_get(changes, i), base, &cs[i], err);
    }
    if (rc == VX_OK)
        rc = check_protected(st, project, env, &approvals, err);
    if (rc == VX_OK)
        rc = plan_make(st, who, project, env, cs, n, &plan, err);
    if (rc == VX_OK)
        rc = try_changes(st, &plan, err);
    if (rc == VX_OK)
        rc = open_request(st, who, project, env, approvals, id, &cr, err);
    if (rc == VX_OK)
        rc = store_changes(st, who, cr, cs, n, err);
    if (rc == VX_OK)
        rc = reopen(st, cr, err);
    plan_free(&plan);
    json_decref(cr);
    free(cs);
    return rc;
}

/* ---- applying ---- */

/*
 * Why the changes cs cannot apply because what they touch moved since
 * they were added, into reason (empty when nothing moved).
 */
static int check_versions(struct vx_store *st, json_t *changes,
                          struct vx_buf *reason, struct vx_err *err)
{
    json_t *c;
    size_t i;

    json_array_foreach (changes, i, c) {
        const char *f = json_string_value(json_object_get(c, "feature"));
        int64_t seg = json_integer_value(json_object_get(c, "segmentId"));
        int64_t base = json_integer_value(json_object_get(c, "baseVersion"));
        struct change ch = {f, NULL, NULL, seg};
        int64_t now = 0;
        int rc = version_of(st, &ch, &now, err);

        if (rc && rc != VX_ENOTFOUND)
            return rc;
        if (rc == VX_OK && now == base)
            continue;
        if (f)
            vx_buf_addf(
                reason,
                "flag \"%s\" %s since change %lld was "
                "added",
                f, rc ? "was deleted" : "has changed",
                (long long)json_integer_value(json_object_get(c, "id")));
        else
            vx_buf_addf(
                reason,
                "segment %lld %s since change %lld was "
                "added",
                (long long)seg, rc ? "was deleted" : "has changed",
                (long long)json_integer_value(json_object_get(c, "id")));
        return VX_OK;
    }
    return VX_OK;
}

/*
 * Run every change of request cr as who; on the first refusal undo
 * them all and put the refusal into reason.
 */
static int run_all(struct vx_store *st, const struct vx_actor *who, json_t *cr,
                   json_t *changes, struct vx_buf *reason, struct vx_err *err)
{
    const char *project = json_string_value(json_object_get(cr, "project"));
    const char *env = json_string_value(json_object_get(cr, "environment"));
    json_t *c;
    size_t i;
    int rc = vx_store_savepoint(st, err);

    json_array_foreach (changes, i, c) {
        struct change ch;

        if (rc)
            break;
        change_of_row(c, &ch);
        rc = run_change(st, who, project, env, &ch, err);
        if (rc && rc != VX_EDB && rc != VX_EINTERNAL) {
            vx_buf_addf(reason,
                        "change %lld (%s%s%s) no longer applies: "
                        "%s",
                        (long long)json_integer_value(json_object_get(c, "id")),
                        ch.action, ch.feature ? " of flag " : "",
                        ch.feature ? ch.feature : "", err->msg);
            vx_store_savepoint_undo(st);
            return VX_OK;
        }
    }
    if (rc)
        vx_store_savepoint_undo(st);
    else
        vx_store_savepoint_keep(st);
    return rc;
}

/* Mark request cr Conflicted for reason, and say so in err. */
static int conflicted(struct vx_store *st, const struct vx_actor *who,
                      json_t *cr, const char *reason, int *conflict,
                      struct vx_err *err)
{
    int64_t id = json_integer_value(json_object_get(cr, "id"));
    json_t *extra = json_pack("{s:s}", "reason", reason);
    int rc = vx_store_cr_set_conflict(st, id, reason, err);

    if (rc == VX_OK)
        rc = cr_event(st, who, "change-request-conflict", cr, NULL, extra, err);
    json_decref(extra);
    if (rc)
        return rc;
    *conflict = 1;
    vx_err_set(err, VX_ECONFLICT, NULL,
               "change request %lld was not applied and is now "
               "Conflicted: %s",
               (long long)id, reason);
    return VX_OK;
}

int vx_op_cr_apply(struct vx_store *st, const struct vx_actor *who, int64_t id,
                   int *conflict, struct vx_err *err)
{
    json_t *cr = NULL, *changes = NULL;
    struct vx_buf reason = {0};
    struct vx_actor as = *who;
    char name[200];
    const char *state;
    int rc = vx_store_cr_row(st, NULL, id, &cr, err);

    *conflict = 0;
    if (rc)
        goto out;
    state = json_string_value(json_object_get(cr, "state"));
    if (strcmp(state, "Approved") && strcmp(state, "Scheduled")) {
        rc = vx_err_set(err, VX_ECONFLICT, NULL,
                        "change request %lld is %s, so it cannot be "
                        "applied: only an Approved request can",
                        (long long)id, state);
        goto out;
    }
    snprintf(name, sizeof(name), "%s (change request %lld)", who->name,
             (long long)id);
    as.name = name;
    rc = vx_store_cr_changes(st, id, &changes, err);
    if (rc == VX_OK)
        rc = check_versions(st, changes, &reason, err);
    if (rc == VX_OK && !reason.buf)
        rc = run_all(st, &as, cr, changes, &reason, err);
    if (rc == VX_OK && reason.buf) {
        rc = conflicted(st, who, cr, reason.buf, conflict, err);
        goto out;
    }
    if (rc == VX_OK)
        rc = vx_store_cr_set_applied(st, id, who->user_id, err);
    if (rc == VX_OK)
        rc = cr_event(st, who, "change-request-applied", cr, NULL, NULL, err);
out:
    free(reason.buf);
    json_decref(changes);
    json_decref(cr);
    return rc;
}

/* ---- moving between states ---- */

/* The 409 of a move the current state does not allow. */
static int illegal(struct vx_err *err, int64_t id, const char *state,
                   const char *wanted)
{
    return vx_err_set(err, VX_ECONFLICT, NULL,
                      "change request %lld is %s, so it cannot become %s",
                      (long long)id, state, wanted);
}

/* True when state is one a request never leaves. */
static int is_final(const char *state)
{
    static const char *const finals[] = {"Applied", "Rejected", "Cancelled",
                                         "Conflicted", NULL};

    return one_of(state, finals);
}

/* Count who's approval of cr; make it Approved once it has enough. */
static int approve(struct vx_store *st, const struct vx_actor *who, json_t *cr,
                   struct vx_err *err)
{
    int64_t id = json_integer_value(json_object_get(cr, "id"));
    int64_t need = json_integer_value(json_object_get(cr, "minApprovals"));
    int64_t have = 0;
    int added = 0;
    json_t *extra;
    int rc = vx_store_cr_review_add(st, id, who->user_id, "approval", NULL,
                                    &added, err);

    if (rc || !added)
        return rc;
    rc = vx_store_cr_approval_count(st, id, &have, err);
    if (rc == VX_OK && have >= need)
        rc = vx_store_cr_set_state(st, id, "Approved", err);
    extra = json_pack("{s:I, s:I}", "approvals", (json_int_t)have,
                      "minApprovals", (json_int_t)need);
    if (rc == VX_OK)
        rc = cr_event(st, who, "change-request-approved", cr, NULL, extra, err);
    json_decref(extra);
    return rc;
}

/* Reject cr, by who, with an optional comment. */
static int reject(struct vx_store *st, const struct vx_actor *who, json_t *cr,
                  const char *comment, struct vx_err *err)
{
    int64_t id = json_integer_value(json_object_get(cr, "id"));
    json_t *extra = comment ? json_pack("{s:s}", "comment", comment) : NULL;
    int added = 0;
    int rc = vx_store_cr_review_add(st, id, who->user_id, "rejection", comment,
                                    &added, err);

    if (rc == VX_OK)
        rc = vx_store_cr_set_state(st, id, "Rejected", err);
    if (rc == VX_OK)
        rc = cr_event(st, who, "change-request-rejected", cr, NULL, extra, err);
    json_decref(extra);
    return rc;
}

/* Set the state of cr to state, with the event of type. */
static int set_state(struct vx_store *st, const struct vx_actor *who,
                     json_t *cr, const char *state, const char *type,
                     struct vx_err *err)
{
    int rc = vx_store_cr_set_state(
        st, json_integer_value(json_object_get(cr, "id")), state, err);

    if (rc == VX_OK)
        rc = cr_event(st, who, type, cr, NULL, NULL, err);
    return rc;
}

/* Schedule cr to apply at at. */
static int schedule(struct vx_store *st, const struct vx_actor *who, json_t *cr,
                    const char *at, struct vx_err *err)
{
    json_t *extra = json_pack("{s:s}", "scheduledAt", at);
    int rc = vx_store_cr_set_scheduled(
        st, json_integer_value(json_object_get(cr, "id")), at, who->user_id,
        err);

    if (rc == VX_OK)
        rc =
            cr_event(st, who, "change-request-scheduled", cr, NULL, extra, err);
    json_decref(extra);
    return rc;
}

/* The move of m on cr (state state, author or not) by who. */
static int move(struct vx_store *st, const struct vx_actor *who, json_t *cr,
                const char *state, int author, const struct vx_cr_move *m,
                int *conflict, struct vx_err *err)
{
    int64_t id = json_integer_value(json_object_get(cr, "id"));
    const char *to = m->state;
    int from_approved =
        !strcmp(state, "Approved") || !strcmp(state, "Scheduled");

    if (!strcmp(to, "In review")) {
        if (!author)
            return vx_err_set(err, VX_EFORBIDDEN, NULL,
                              "only the author of change request %lld can "
                              "submit it for review",
                              (long long)id);
        if (strcmp(state, "Draft"))
            return illegal(err, id, state, to);
        return set_state(st, who, cr, to, "change-request-submitted", err);
    }
    if (!strcmp(to, "Approved")) {
        if (author)
            return vx_err_set(err, VX_EFORBIDDEN, NULL,
                              "the author of change request %lld cannot "
                              "approve it: someone else must",
                              (long long)id);
        if (strcmp(state, "In review"))
            return illegal(err, id, state, to);
        return approve(st, who, cr, err);
    }
    if (!strcmp(to, "Rejected")) {
        if (author)
            return vx_err_set(err, VX_EFORBIDDEN, NULL,
                              "the author of change request %lld cannot "
                              "reject it: cancel it instead",
                              (long long)id);
        if (strcmp(state, "In review") && !from_approved)
            return illegal(err, id, state, to);
        return reject(st, who, cr, m->comment, err);
    }
    if (!strcmp(to, "Cancelled")) {
        if (!author)
            return vx_err_set(err, VX_EFORBIDDEN, NULL,
                              "only the author of change request %lld can "
                              "cancel it",
                              (long long)id);
        if (is_final(state))
            return illegal(err, id, state, to);
        return set_state(st, who, cr, to, "change-request-cancelled", err);
    }
    if (!from_approved || (strcmp(to, "Applied") && strcmp(to, "Scheduled")))
        return illegal(err, id, state, to);
    if (m->scheduled_at)
        return schedule(st, who, cr, m->scheduled_at, err);
    if (!strcmp(to, "Scheduled"))
        return vx_err_set(err, VX_EINVAL, "/body/scheduledAt",
                          "`/body/scheduledAt` is required to schedule a "
                          "change request");
    return vx_op_cr_apply(st, who, id, conflict, err);
}

/* Add a comment to cr, with its event; *comment_id gets its id. */
static int add_comment(struct vx_store *st, const struct vx_actor *who,
                       json_t *cr, const char *text, int64_t *comment_id,
                       struct vx_err *err)
{
    int64_t id = json_integer_value(json_object_get(cr, "id"));
    json_t *extra = json_pack("{s:s}", "text", text);
    int rc =
        vx_store_cr_comment_add(st, id, text, who->user_id, comment_id, err);

    if (rc == VX_OK)
        rc = cr_event(st, who, "change-request-comment-added", cr, NULL, extra,
                      err);
    json_decref(extra);
    return rc;
}

int vx_op_cr_move(struct vx_store *st, const struct vx_actor *who,
                  const char *project, int64_t id, const struct vx_cr_move *m,
                  int *conflict, struct vx_err *err)
{
    json_t *cr = NULL;
    int64_t comment_id = 0;
    const char *state;
    int author, rc = vx_store_cr_row(st, project, id, &cr, err);

    *conflict = 0;
    if (rc)
        goto out;
    state = json_string_value(json_object_get(cr, "state"));
    author =
        json_integer_value(json_object_get(cr, "createdById")) == who->user_id;
    rc = move(st, who, cr, state, author, m, conflict, err);
    if (rc == VX_OK && !*conflict && m->comment && *m->comment &&
        strcmp(m->state, "Rejected"))
        rc = add_comment(st, who, cr, m->comment, &comment_id, err);
out:
    json_decref(cr);
    return rc;
}

int vx_op_cr_comment(struct vx_store *st, const struct vx_actor *who,
                     const char *project, int64_t id, const char *text,
                     int64_t *comment_id, struct vx_err *err)
{
    json_t *cr = NULL;
    int rc = vx_store_cr_row(st, project, id, &cr, err);

    if (rc == VX_OK)
        rc = add_comment(st, who, cr, text, comment_id, err);
    json_decref(cr);
    return rc;
}
