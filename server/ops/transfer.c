/*
 * Export and import of transfer.h. Export reads the store into the
 * document; import checks the document's references first (flags named
 * by every list, custom strategies defined), then applies it in order:
 * context fields, segments, flags, strategies and variants, enabled
 * state, tags, and dependencies last, once every flag exists. Each step
 * goes through the operation the admin API uses, so it is validated and
 * audited the same way.
 */
#include "ops/transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"
#include "ops/features.h"
#include "ops/strategies.h"
#include "ops/tag_types.h"
#include "store/context.h"
#include "store/environments.h"
#include "store/features.h"
#include "store/projects.h"
#include "store/segments.h"
#include "store/strategies.h"
#include "store/tag_types.h"
#include "util.h"
#include "vx_alloc.h"

#define TAG_MAX 50

/* ---- export ---- */

/* True when tags ([{type, value}]) hold tag ("type:value" or value). */
static int has_tag(json_t *tags, const char *tag)
{
    const char *colon = strchr(tag, ':');
    size_t i;
    json_t *t;

    json_array_foreach (tags, i, t) {
        const char *type = json_string_value(json_object_get(t, "type"));
        const char *value = json_string_value(json_object_get(t, "value"));

        if (!colon && !strcmp(value, tag))
            return 1;
        if (colon && strlen(type) == (size_t)(colon - tag) &&
            !strncmp(type, tag, (size_t)(colon - tag)) &&
            !strcmp(value, colon + 1))
            return 1;
    }
    return 0;
}

/* Append the live flags of project to names (an array of strings). */
static int project_flags(struct vx_store *st, const char *project,
                         json_t *names, struct vx_err *err)
{
    json_t *list = NULL, *f;
    size_t i;
    int rc = vx_store_features_list(st, project, &list, err);

    json_array_foreach (list, i, f)
        json_array_append(names, json_object_get(f, "name"));
    json_decref(list);
    return rc;
}

/* The names of the flags q selects, into *out (caller owns). */
static int select_flags(struct vx_store *st, const struct vx_export_query *q,
                        json_t **out, struct vx_err *err)
{
    json_t *names = json_array(), *projects = NULL, *p, *n, *row = NULL;
    json_t *tags = NULL;
    size_t i;
    int rc = VX_OK;

    *out = NULL;
    if (q->features) {
        json_array_foreach (q->features, i, n) {
            rc = vx_store_feature_row(st, json_string_value(n), &row, err);
            if (rc == VX_OK && json_is_true(json_object_get(row, "archived")))
                rc = VX_ENOTFOUND;
            if (rc == VX_OK && q->project &&
                strcmp(json_string_value(json_object_get(row, "project")),
                       q->project))
                rc = VX_ENOTFOUND;
            json_decref(row);
            row = NULL;
            if (rc == VX_ENOTFOUND)
                rc = vx_err_set(err, rc, "/body/features",
                                "there is no live flag named \"%s\"%s%s",
                                json_string_value(n),
                                q->project ? " in project " : "",
                                q->project ? q->project : "");
            if (rc)
                goto out;
            json_array_append(names, n);
        }
    } else if (q->project) {
        rc = vx_store_project_exists(st, q->project, err);
        if (rc == VX_OK)
            rc = project_flags(st, q->project, names, err);
    } else {
        rc = vx_store_projects_list(st, &projects, err);
        json_array_foreach (projects, i, p) {
            if (rc)
                break;
            rc = project_flags(st, json_string_value(json_object_get(p, "id")),
                               names, err);
        }
    }
    if (rc || !q->tag)
        goto out;
    for (i = 0; i < json_array_size(names);) {
        rc = vx_store_feature_tags(
            st, json_string_value(json_array_get(names, i)), &tags, err);
        if (rc)
            goto out;
        if (has_tag(tags, q->tag))
            i++;
        else
            json_array_remove(names, i);
        json_decref(tags);
        tags = NULL;
    }
out:
    json_decref(projects);
    if (rc == VX_OK)
        *out = names;
    else
        json_decref(names);
    return rc;
}

/* Add the value s to the array set unless it is there already. */
static void add_unique(json_t *set, json_t *s)
{
    size_t i;
    json_t *v;

    json_array_foreach (set, i, v) {
        if (json_equal(v, s))
            return;
    }
    json_array_append(set, s);
}

/* The parts of the document being built, all owned. */
struct doc {
    json_t *features, *strategies, *envs, *tags, *segments, *tag_types;
    json_t *context, *deps;
    json_t *segment_ids, *context_names; /* what the strategies use */
};

/* Note the segments and context fields strategy s uses. */
static void note_uses(struct doc *d, json_t *s)
{
    json_t *cons = json_object_get(s, "constraints");
    size_t i;
    json_t *v;

    json_array_foreach (json_object_get(s, "segments"), i, v) {
        if (json_is_integer(v))
            add_unique(d->segment_ids, v);
    }
    json_array_foreach (cons, i, v)
        add_unique(d->context_names, json_object_get(v, "contextName"));
}

/* Add flag name, in environment env, to the document. */
static int export_flag(struct vx_store *st, struct doc *d, const char *name,
                       const char *env, struct vx_err *err)
{
    json_t *row = NULL, *list = NULL, *vars = NULL, *tags = NULL;
    json_t *deps = NULL, *s, *t;
    int enabled = 0;
    size_t i;
    int rc = vx_store_feature_row(st, name, &row, err);

    if (rc == VX_OK)
        rc = vx_store_strategies_list(st, name, env, &list, err);
    if (rc == VX_OK)
        rc = vx_store_fenv_variants_get(st, name, env, &vars, err);
    if (rc == VX_OK)
        rc = vx_store_feature_env_enabled(st, name, env, &enabled, err);
    if (rc == VX_OK)
        rc = vx_store_feature_tags(st, name, &tags, err);
    if (rc == VX_OK)
        rc = vx_store_deps_parents(st, name, &deps, err);
    if (rc)
        goto out;
    json_array_append_new(
        d->features,
        json_pack("{s:s, s:O, s:O, s:O, s:O, s:O}", "name", name, "type",
                  json_object_get(row, "type"), "description",
                  json_object_get(row, "description"), "impressionData",
                  json_object_get(row, "impressionData"), "stale",
                  json_object_get(row, "stale"), "project",
                  json_object_get(row, "project")));
    json_array_foreach (list, i, s) {
        json_t *copy = json_deep_copy(s);

        json_object_set_new(copy, "featureName", json_string(name));
        if (json_is_null(json_object_get(copy, "title")))
            json_object_del(copy, "title");
        note_uses(d, copy);
        json_array_append_new(d->strategies, copy);
    }
    json_array_append_new(d->envs,
                          json_pack("{s:s, s:s, s:s, s:b, s:O}", "name", name,
                                    "featureName", name, "environment", env,
                                    "enabled", enabled, "variants", vars));
    json_array_foreach (tags, i, t) {
        json_t *type = json_object_get(t, "type");

        json_array_append_new(d->tags,
                              json_pack("{s:s, s:O, s:O}", "featureName", name,
                                        "tagType", type, "tagValue",
                                        json_object_get(t, "value")));
        add_unique(d->tag_types, type);
    }
    if (json_array_size(deps) > 0)
        json_array_append_new(d->deps, json_pack("{s:s, s:O}", "feature", name,
                                                 "dependencies", deps));
out:
    json_decref(row);
    json_decref(list);
    json_decref(vars);
    json_decref(tags);
    json_decref(deps);
    return rc;
}

/* Fill the segments and context fields the exported strategies use. */
static int export_uses(struct vx_store *st, struct doc *d, struct vx_err *err)
{
    json_t *v, *seg = NULL, *field = NULL;
    size_t i;
    int rc;

    json_array_foreach (d->segment_ids, i, v) {
        rc = vx_store_segment_get(st, json_integer_value(v), &seg, err);
        if (rc)
            return rc;
        json_array_append_new(
            d->segments,
            json_pack("{s:O, s:O, s:O, s:O}", "id", v, "name",
                      json_object_get(seg, "name"), "description",
                      json_object_get(seg, "description"), "constraints",
                      json_object_get(seg, "constraints")));
        note_uses(d, seg);
        json_decref(seg);
    }
    json_array_foreach (d->context_names, i, v) {
        rc = vx_store_context_get(st, json_string_value(v), &field, err);
        if (rc == VX_ENOTFOUND)
            continue; /* a context name nobody defined */
        if (rc)
            return rc;
        json_object_del(field, "createdAt");
        json_array_append_new(d->context, field);
    }
    return VX_OK;
}

int vx_op_export(struct vx_store *st, const struct vx_export_query *q,
                 json_t **out, struct vx_err *err)
{
    struct doc d = {
        json_array(), json_array(), json_array(), json_array(), json_array(),
        json_array(), json_array(), json_array(), json_array(), json_array(),
    };
    json_t *names = NULL, *env = NULL, *n, *types = json_array(), *t;
    size_t i;
    int rc = VX_OK;

    *out = NULL;
    if (!q->features && !q->tag && !q->project)
        rc = vx_err_set(err, VX_EINVAL, "/body",
                        "say which flags to export: give features, tag or "
                        "project");
    if (rc == VX_OK)
        rc = vx_store_env_get(st, q->environment, &env, err);
    if (rc == VX_OK)
        rc = select_flags(st, q, &names, err);
    json_array_foreach (names, i, n) {
        if (rc)
            break;
        rc = export_flag(st, &d, json_string_value(n), q->environment, err);
    }
    if (rc == VX_OK)
        rc = export_uses(st, &d, err);
    json_array_foreach (d.tag_types, i, n) {
        if (rc)
            break;
        t = NULL;
        rc = vx_store_tag_type_get(st, json_string_value(n), &t, err);
        json_array_append_new(types, t);
    }
    if (rc == VX_OK)
        *out = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "features",
                         d.features, "featureStrategies", d.strategies,
                         "featureEnvironments", d.envs, "featureTags", d.tags,
                         "segments", d.segments, "tagTypes", types,
                         "contextFields", d.context, "dependencies", d.deps);
    json_decref(types);
    json_decref(env);
    json_decref(names);
    json_decref(d.features);
    json_decref(d.strategies);
    json_decref(d.envs);
    json_decref(d.tags);
    json_decref(d.segments);
    json_decref(d.tag_types);
    json_decref(d.context);
    json_decref(d.deps);
    json_decref(d.segment_ids);
    json_decref(d.context_names);
    return rc;
}

/* ---- import ---- */

/*
 * Re-root an error the admin checks named under "/body" at base (like
 * "/body/data/featureStrategies/3"), in its path and its message, so the
 * user sees which entry of the document it was.
 */
static int reroot(struct vx_err *err, int rc, const char *base)
{
    struct vx_buf b = {0};
    const char *m = err->msg, *hit;
    char path[sizeof(err->path)];

    if (rc != VX_EINVAL)
        return rc;
    /* Places already named within the document stay as they are. */
    while ((hit = strstr(m, "`/body")) != NULL) {
        int doc = !strncmp(hit, "`/body/data/", 12);

        vx_buf_add(&b, m, (size_t)(hit - m));
        vx_buf_addf(&b, "`%s", doc ? "/body" : base);
        m = hit + strlen("`/body");
    }
    vx_buf_adds(&b, m);
    if (!strncmp(err->path, "/body/data/", 11)) {
        snprintf(path, sizeof(path), "%s", err->path);
        rc = vx_err_set(err, rc, path, "%s", b.buf);
    } else if (!strncmp(err->path, "/body", 5)) {
        snprintf(path, sizeof(path), "%s%s", base, err->path + 5);
        rc = vx_err_set(err, rc, path, "%s", b.buf);
    } else {
        rc = vx_err_set(err, rc, base, "%s", b.buf);
    }
    free(b.buf);
    return rc;
}

/* The array data[key] into *out (borrowed; empty when absent). */
static int doc_list(json_t *data, const char *key, json_t **out,
                    struct vx_err *err)
{
    json_t *v = json_object_get(data, key);

    *out = v;
    if (!v || json_is_null(v)) {
        *out = NULL;
        return VX_OK;
    }
    if (json_is_array(v))
        return VX_OK;
    return vx_err_set(err, VX_EINVAL, NULL, "`/body/data/%s` must be an array",
                      key);
}

/* The document's lists, borrowed from data. */
struct lists {
    json_t *features, *strategies, *envs, *tags, *segments, *context;
    json_t *deps, *tag_types;
    json_t *names; /* owned: flag name -> its document entry */
};

/* Read the lists of data into l and index the flags by name. */
static int read_lists(json_t *data, struct lists *l, struct vx_err *err)
{
    char base[64];
    const char *name;
    json_t *f;
    size_t i;
    int rc = VX_OK;

    l->names = json_object();
    if (!json_is_object(data))
        return vx_err_set(err, VX_EINVAL, "/body/data",
                          "`/body/data` must be an export document (an "
                          "object)");
    if ((rc = doc_list(data, "features", &l->features, err)) ||
        (rc = doc_list(data, "featureStrategies", &l->strategies, err)) ||
        (rc = doc_list(data, "featureEnvironments", &l->envs, err)) ||
        (rc = doc_list(data, "featureTags", &l->tags, err)) ||
        (rc = doc_list(data, "segments", &l->segments, err)) ||
        (rc = doc_list(data, "contextFields", &l->context, err)) ||
        (rc = doc_list(data, "dependencies", &l->deps, err)) ||
        (rc = doc_list(data, "tagTypes", &l->tag_types, err)))
        return rc;
    json_array_foreach (l->features, i, f) {
        snprintf(base, sizeof(base), "/body/data/features/%zu", i);
        if (!json_is_object(f))
            return vx_err_set(err, VX_EINVAL, base, "`%s` must be an object",
                              base);
        rc = vx_v_name(f, "name", VX_REQUIRED, 100, &name, err);
        if (rc)
            return reroot(err, rc, base);
        if (json_object_get(l->names, name))
            return vx_err_set(err, VX_EINVAL, base,
                              "flag \"%s\" is in the document twice", name);
        json_object_set(l->names, name, f);
    }
    return VX_OK;
}

/* Check that every entry of list (at key) names a flag of the document. */
static int check_refs(struct lists *l, json_t *list, const char *key,
                      const char *field, struct vx_err *err)
{
    const char *name;
    json_t *e;
    size_t i;

    json_array_foreach (list, i, e) {
        name = json_string_value(json_object_get(e, field));
        if (json_is_object(e) && name && json_object_get(l->names, name))
            continue;
        return vx_err_set(err, VX_EINVAL, NULL,
                          "`/body/data/%s/%zu/%s` must name a flag of "
                          "`/body/data/features`",
                          key, i, field);
    }
    return VX_OK;
}

/* VX_EINVAL naming every custom strategy the document uses undefined. */
static int check_strategies_defined(struct vx_store *st, struct lists *l,
                                    struct vx_err *err)
{
    json_t *missing = json_array(), *s, *name;
    struct vx_buf b = {0};
    int defined = 0, rc = VX_OK;
    size_t i;

    json_array_foreach (l->strategies, i, s) {
        name = json_object_get(s, "name");
        if (!json_is_string(name)) {
            rc = vx_err_set(err, VX_EINVAL, NULL,
                            "`/body/data/featureStrategies/%zu/name` is "
                            "required and must be a string",
                            i);
            goto out;
        }
        rc = vx_store_strategy_defined(st, json_string_value(name), &defined,
                                       err);
        if (rc)
            goto out;
        if (!defined)
            add_unique(missing, name);
    }
    json_array_foreach (missing, i, name)
        vx_buf_addf(&b, "%s\"%s\"", i ? ", " : "", json_string_value(name));
    if (json_array_size(missing) > 0)
        rc = vx_err_set(err, VX_EINVAL, "/body/data/featureStrategies",
                        "the document uses strategies that are not "
                        "defined here: %s; define them with POST "
                        "/api/admin/strategies first",
                        b.buf);
out:
    free(b.buf);
    json_decref(missing);
    return rc;
}

/* Create the context fields of the document that do not exist. */
static int import_context(struct vx_store *st, const struct vx_actor *who,
                          struct lists *l, struct vx_err *err)
{
    struct vx_context_row row = {NULL, 0, -1, NULL};
    json_t *f, *field = NULL, *legal = NULL;
    const char *name = NULL;
    char base[64];
    size_t i;
    int rc = VX_OK;

    json_array_foreach (l->context, i, f) {
        snprintf(base, sizeof(base), "/body/data/contextFields/%zu", i);
        row.stickiness = 0;
        rc = json_is_object(f) ? VX_OK
                               : vx_err_set(err, VX_EINVAL, "/body",
                                            "`/body` must be an object");
        if (rc == VX_OK)
            rc = vx_v_name(f, "name", VX_REQUIRED, 100, &name, err);
        if (rc == VX_OK)
            rc = vx_v_string(f, "description", VX_OPTIONAL, 0, &row.description,
                             err);
        if (rc == VX_OK)
            rc = vx_v_bool(f, "stickiness", VX_OPTIONAL, &row.stickiness, err);
        if (rc == VX_OK)
            rc = vx_v_array(f, "legalValues", VX_OPTIONAL, &legal, err);
        if (rc)
            return reroot(err, rc, base);
        rc = vx_store_context_get(st, name, &field, err);
        json_decref(field);
        field = NULL;
        if (rc != VX_ENOTFOUND) {
            if (rc)
                return rc;
            continue; /* it exists: keep it as it is */
        }
        row.legal_values = legal;
        rc = vx_store_context_insert(st, name, &row, err);
        if (rc == VX_OK)
            rc = vx_store_context_get(st, name, &field, err);
        if (rc == VX_OK)
            rc = vx_store_event(st, who, "context-field-created", NULL, NULL,
                                NULL, NULL, field, err);
        json_decref(field);
        field = NULL;
        if (rc)
            return reroot(err, rc, base);
    }
    return VX_OK;
}

/* The stored segment called name in list, or NULL (borrowed). */
static json_t *segment_named(json_t *list, const char *name)
{
    size_t i;
    json_t *s;

    json_array_foreach (list, i, s) {
        if (!strcmp(json_string_value(json_object_get(s, "name")), name))
            return s;
    }
    return NULL;
}

/*
 * Create the segments of the document missing by name, and fill map
 * (document id as a string -> stored id) for every one of them.
 */
static int import_segments(struct vx_store *st, const struct vx_actor *who,
                           struct lists *l, json_t *map, struct vx_err *err)
{
    json_t *stored = NULL, *s, *body, *made = NULL, *have;
    const char *name;
    char base[64], key[32];
    size_t i;
    int rc = vx_store_segments_list(st, &stored, err);

    json_array_foreach (l->segments, i, s) {
        json_t *id = json_object_get(s, "id");

        if (rc)
            break;
        snprintf(base, sizeof(base), "/body/data/segments/%zu", i);
        name = json_string_value(json_object_get(s, "name"));
        if (!json_is_object(s) || !json_is_integer(id) || !name) {
            rc = vx_err_set(err, VX_EINVAL, base,
                            "`%s` must be {id: an integer, name: a string, "
                            "constraints: an array}",
                            base);
            break;
        }
        snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(id));
        have = segment_named(stored, name);
        if (have) {
            json_object_set(map, key, json_object_get(have, "id"));
            continue;
        }
        /*
         * NEEDSWORK: segments are created for every project, as the
         * document does not say which project a segment was limited
         * to; carry that over once the export format has it.
         */
        body = json_pack("{s:s, s:O}", "name", name, "constraints",
                         json_object_get(s, "constraints")
                             ? json_object_get(s, "constraints")
                             : json_null());
        if (json_is_string(json_object_get(s, "description")))
            json_object_set(body, "description",
                            json_object_get(s, "description"));
        rc = vx_op_segment_create(st, who, body, &made, err);
        json_decref(body);
        if (rc) {
            rc = reroot(err, rc, base);
            break;
        }
        json_object_set(map, key, json_object_get(made, "id"));
        json_array_append_new(stored, made);
    }
    json_decref(stored);
    return rc;
}

/* Create flag f (a document entry at base) in project, or update it. */
static int import_flag(struct vx_store *st, const struct vx_actor *who,
                       const char *project, json_t *f, const char *base,
                       struct vx_err *err)
{
    struct vx_feature_edit edit = {"release", "", 0, 0};
    const char *name = json_string_value(json_object_get(f, "name"));
    json_t *row = NULL, *made = NULL;
    int rc = vx_v_string(f, "type", VX_OPTIONAL, 100, &edit.type, err);

    if (rc == VX_OK && !edit.type)
        edit.type = "release";
    if (rc == VX_OK && !vx_feature_type_ok(edit.type))
        rc = vx_err_set(err, VX_EINVAL, "/body/type",
                        "`/body/type` \"%s\" is not a flag type; see GET "
                        "/api/admin/feature-types",
                        edit.type);
    if (rc == VX_OK)
        rc = vx_v_string(f, "description", VX_OPTIONAL, 0, &edit.description,
                         err);
    if (rc == VX_OK)
        rc = vx_v_bool(f, "stale", VX_OPTIONAL, &edit.stale, err);
    if (rc == VX_OK)
        rc = vx_v_bool(f, "impressionData", VX_OPTIONAL, &edit.impression_data,
                       err);
    if (rc)
        return reroot(err, rc, base);

    rc = vx_store_feature_row(st, name, &row, err);
    if (rc == VX_ENOTFOUND) {
        rc = vx_op_feature_create(st, who, project, name, edit.type,
                                  edit.description, edit.impression_data, NULL,
                                  &made, err);
        json_decref(made);
        if (rc == VX_OK && edit.stale)
            rc = vx_op_feature_update(st, who, project, name, &edit, NULL, err);
    } else if (rc == VX_OK &&
               strcmp(json_string_value(json_object_get(row, "project")),
                      project)) {
        rc = vx_err_set(
            err, VX_ECONFLICT, base,
            "flag \"%s\" belongs to project \"%s\"; it cannot "
            "be imported into project \"%s\"",
            name, json_string_value(json_object_get(row, "project")), project);
    } else if (rc == VX_OK) {
        rc = vx_op_feature_update(st, who, project, name, &edit, NULL, err);
    }
    json_decref(row);
    return rc;
}

/* A strategy entry s of the document as an admin API body, into *out. */
static int strategy_body(json_t *s, json_t *map, const char *base, json_t **out,
                         struct vx_err *err)
{
    json_t *segs = json_object_get(s, "segments"), *ids, *id, *to;
    char key[32];
    size_t i;

    *out = NULL;
    if (!json_is_object(s))
        return vx_err_set(err, VX_EINVAL, base, "`%s` must be an object", base);
    if (segs && !json_is_null(segs) && !json_is_array(segs))
        return vx_err_set(err, VX_EINVAL, NULL,
                          "`%s/segments` must be an array of segment ids",
                          base);
    ids = json_array();
    json_array_foreach (segs, i, id) {
        snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(id));
        to = json_is_integer(id) ? json_object_get(map, key) : NULL;
        if (!to) {
            json_decref(ids);
            return vx_err_set(err, VX_EINVAL, NULL,
                              "`%s/segments/%zu` must be the id of a "
                              "segment of `/body/data/segments`",
                              base, i);
        }
        json_array_append(ids, to);
    }
    *out = json_deep_copy(s);
    json_object_set_new(*out, "segments", ids);
    json_object_del(*out, "id");
    json_object_del(*out, "featureName");
    return VX_OK;
}

/* Turn flag on or off in env, as given, whatever its strategies. */
static int set_enabled(struct vx_store *st, const struct vx_actor *who,
                       const char *project, const char *feature,
                       const char *env, int enabled, struct vx_err *err)
{
    json_t *pre = NULL, *post = NULL;
    int was = 0;
    int rc = vx_store_feature_env_enabled(st, feature, env, &was, err);

    if (rc || was == enabled)
        return rc;
    rc = vx_store_feature_full(st, feature, &pre, err);
    if (rc == VX_OK)
        rc = vx_store_feature_env_set(st, feature, env, enabled, err);
    if (rc == VX_OK)
        rc = vx_store_feature_full(st, feature, &post, err);
    if (rc == VX_OK)
        rc = vx_store_event(st, who,
                            enabled ? "feature-environment-enabled"
                                    : "feature-environment-disabled",
                            project, feature, env, pre, post, err);
    if (rc == VX_OK)
        rc = vx_store_feature_bump(st, feature, err);
    vx_store_touch_flags(st);
    json_decref(pre);
    json_decref(post);
    return rc;
}

/* Replace the strategies of flag name in env with the document's. */
static int import_strategies(struct vx_store *st, const struct vx_actor *who,
                             const char *project, const char *env,
                             const char *name, struct lists *l, json_t *map,
                             struct vx_err *err)
{
    static const struct vx_write_opts keep = {.keep_weights = 1};
    json_t *old = NULL, *s, *body = NULL, *made = NULL;
    char base[64];
    size_t i;
    int rc = vx_store_strategies_list(st, name, env, &old, err);

    json_array_foreach (old, i, s) {
        if (rc)
            break;
        rc = vx_op_strategy_delete(st, who, project, name, env,
                                   json_string_value(json_object_get(s, "id")),
                                   err);
    }
    json_decref(old);
    json_array_foreach (l->strategies, i, s) {
        if (rc)
            break;
        if (strcmp(json_string_value(json_object_get(s, "featureName")), name))
            continue;
        snprintf(base, sizeof(base), "/body/data/featureStrategies/%zu", i);
        rc = strategy_body(s, map, base, &body, err);
        if (rc == VX_OK)
            rc = vx_op_strategy_add_opts(st, who, project, name, env, body,
                                         &keep, &made, err);
        json_decref(body);
        json_decref(made);
        body = made = NULL;
        rc = reroot(err, rc, base);
    }
    return rc;
}

/* Set flag name's variants and enabled state in env from the document. */
static int import_env(struct vx_store *st, const struct vx_actor *who,
                      const char *project, const char *env, const char *name,
                      struct lists *l, struct vx_err *err)
{
    static const struct vx_write_opts keep = {.keep_weights = 1};
    json_t *e, *vars, *none = json_array(), *made = NULL;
    char base[64];
    size_t i;
    int enabled = 0, rc = VX_OK;

    json_array_foreach (l->envs, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "featureName")), name))
            continue;
        snprintf(base, sizeof(base), "/body/data/featureEnvironments/%zu", i);
        vars = json_object_get(e, "variants");
        rc = vx_v_bool(e, "enabled", VX_OPTIONAL, &enabled, err);
        if (rc == VX_OK)
            rc = vx_op_variants_set_opts(
                st, who, project, name, env,
                vars && !json_is_null(vars) ? vars : none, &keep, &made, err);
        json_decref(made);
        made = NULL;
        if (rc == VX_OK)
            rc = set_enabled(st, who, project, name, env, enabled, err);
        if (rc) {
            /* The variants op names its input "/body". */
            if (!strncmp(err->path, "/body", 5) &&
                strncmp(err->path, "/body/variants", 14)) {
                char path[sizeof(err->path)];

                snprintf(path, sizeof(path), "/body/variants%s", err->path + 5);
                snprintf(err->path, sizeof(err->path), "%s", path);
            }
            rc = reroot(err, rc, base);
        }
        break; /* one entry per flag: the first one counts */
    }
    json_decref(none);
    return rc;
}

/*
 * Create the document's tag types that do not exist yet; existing ones
 * are left as they are.
 */
static int import_tag_types(struct vx_store *st, const struct vx_actor *who,
                            struct lists *l, struct vx_err *err)
{
    json_t *t, *made = NULL;
    const char *name;
    char base[64];
    size_t i;
    int yes = 0, rc = VX_OK;

    json_array_foreach (l->tag_types, i, t) {
        snprintf(base, sizeof(base), "/body/data/tagTypes/%zu", i);
        name = json_string_value(json_object_get(t, "name"));
        if (!json_is_object(t) || !name)
            return vx_err_set(err, VX_EINVAL, base,
                              "`%s` must be an object with a name", base);
        rc = vx_store_tag_type_exists(st, name, &yes, err);
        if (rc == VX_OK && !yes)
            rc = reroot(err, vx_op_tag_type_create(st, who, t, &made, err),
                        base);
        json_decref(made);
        made = NULL;
        if (rc)
            return rc;
    }
    return VX_OK;
}

/* Add the document's tags; their types must exist by now. */
static int import_tags(struct vx_store *st, const struct vx_actor *who,
                       struct lists *l, struct vx_err *err)
{
    const char *type, *value;
    char base[64];
    json_t *t;
    size_t i;
    int rc;

    json_array_foreach (l->tags, i, t) {
        snprintf(base, sizeof(base), "/body/data/featureTags/%zu", i);
        type = json_string_value(json_object_get(t, "tagType"));
        value = json_string_value(json_object_get(t, "tagValue"));
        if (!type || !vx_name_ok(type, TAG_MAX) || !value || !value[0] ||
            strlen(value) > TAG_MAX)
            return vx_err_set(err, VX_EINVAL, base,
                              "`%s` must have a URL-friendly tagType and a "
                              "tagValue of 1 to %d characters",
                              base, TAG_MAX);
        snprintf(base, sizeof(base), "/body/data/featureTags/%zu/tagType", i);
        rc = vx_op_tag_type_require(st, type, base, err);
        if (rc)
            return rc;
        rc = vx_op_feature_tag(
            st, who, json_string_value(json_object_get(t, "featureName")), type,
            value, 1, err);
        if (rc == VX_ECONFLICT) {
            vx_err_clear(err); /* the flag has it already */
            rc = VX_OK;
        }
        if (rc)
            return rc;
    }
    return VX_OK;
}

/* Replace the dependencies of each flag the document lists them for. */
static int import_deps(struct vx_store *st, const struct vx_actor *who,
                       const char *project, struct lists *l, struct vx_err *err)
{
    json_t *e, *d, *parents;
    const char *child;
    char base[80];
    size_t i, j;
    int rc = VX_OK;

    json_array_foreach (l->deps, i, e) {
        child = json_string_value(json_object_get(e, "feature"));
        parents = json_object_get(e, "dependencies");
        snprintf(base, sizeof(base), "/body/data/dependencies/%zu", i);
        if (!json_is_array(parents))
            return vx_err_set(err, VX_EINVAL, NULL,
                              "`%s/dependencies` must be an array", base);
        rc = vx_op_dependency_delete(st, who, project, child, NULL, err);
        json_array_foreach (parents, j, d) {
            if (rc)
                break;
            snprintf(base, sizeof(base),
                     "/body/data/dependencies/%zu/dependencies/%zu", i, j);
            rc = json_is_object(d)
                     ? vx_op_dependency_add(st, who, project, child, d, err)
                     : vx_err_set(err, VX_EINVAL, base,
                                  "`%s` must be an object", base);
            rc = reroot(err, rc, base);
        }
        if (rc)
            return rc;
    }
    return VX_OK;
}

int vx_op_import(struct vx_store *st, const struct vx_actor *who,
                 const char *project, const char *environment, json_t *data,
                 struct vx_err *err)
{
    struct lists l = {0};
    json_t *map = json_object(), *f;
    const char *name;
    char base[64];
    size_t i;
    int rc = vx_store_project_exists(st, project, err);

    if (rc == VX_OK)
        rc = vx_store_project_env_check(st, project, environment, err);
    if (rc == VX_OK)
        rc = read_lists(data, &l, err);
    if (rc == VX_OK)
        rc = check_refs(&l, l.strategies, "featureStrategies", "featureName",
                        err);
    if (rc == VX_OK)
        rc = check_refs(&l, l.envs, "featureEnvironments", "featureName", err);
    if (rc == VX_OK)
        rc = check_refs(&l, l.tags, "featureTags", "featureName", err);
    if (rc == VX_OK)
        rc = check_refs(&l, l.deps, "dependencies", "feature", err);
    if (rc == VX_OK)
        rc = check_strategies_defined(st, &l, err);
    if (rc == VX_OK)
        rc = import_context(st, who, &l, err);
    if (rc == VX_OK)
        rc = import_segments(st, who, &l, map, err);
    json_array_foreach (l.features, i, f) {
        if (rc)
            break;
        name = json_string_value(json_object_get(f, "name"));
        snprintf(base, sizeof(base), "/body/data/features/%zu", i);
        rc = import_flag(st, who, project, f, base, err);
        if (rc == VX_OK)
            rc = import_strategies(st, who, project, environment, name, &l, map,
                                   err);
        if (rc == VX_OK)
            rc = import_env(st, who, project, environment, name, &l, err);
    }
    if (rc == VX_OK)
        rc = import_tag_types(st, who, &l, err);
    if (rc == VX_OK)
        rc = import_tags(st, who, &l, err);
    if (rc == VX_OK)
        rc = import_deps(st, who, project, &l, err);
    json_decref(l.names);
    json_decref(map);
    return rc;
}
