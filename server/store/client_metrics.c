/*
 * The metrics tables: hourly counts per environment, flag and
 * application, their variant counts, and the applications and instances
 * that reported. Writers add to rows with UPSERT, so flushing the same
 * hour twice sums the two.
 */
#include "store/client_metrics.h"

#include "store/sql.h"
#include "store/store.h"

/* Add to the hourly yes/no row, creating it. */
int vx_store_metrics_add(struct vx_store *st, const char *hour, const char *env,
                         const char *flag, const char *app, int64_t yes,
                         int64_t no, struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "INSERT INTO client_metrics (hour, environment,"
                      " feature_name, app_name, yes, no)"
                      " VALUES (?, ?, ?, ?, ?, ?)"
                      " ON CONFLICT (feature_name, hour, environment,"
                      " app_name) DO UPDATE SET yes = yes + excluded.yes,"
                      " no = no + excluded.no",
                      "ssssii", hour, env, flag, app, yes, no);
}

/* Add to the hourly count of one variant, creating it. */
int vx_store_metrics_variant_add(struct vx_store *st, const char *hour,
                                 const char *env, const char *flag,
                                 const char *app, const char *variant,
                                 int64_t n, struct vx_err *err)
{
    return vx_sql_run(st, err,
                      "INSERT INTO client_metrics_variants (hour,"
                      " environment, feature_name, app_name, variant, count)"
                      " VALUES (?, ?, ?, ?, ?, ?)"
                      " ON CONFLICT (feature_name, hour, environment,"
                      " app_name, variant)"
                      " DO UPDATE SET count = count + excluded.count",
                      "sssssi", hour, env, flag, app, variant, n);
}

/* Move the flag's last_seen_at in env forward. */
int vx_store_flag_seen(struct vx_store *st, const char *flag, const char *env,
                       const char *when, struct vx_err *err)
{
    /* The row may be missing when env joined the project after the flag
     * was made; a new row is off, as a missing one reads. */
    return vx_sql_run(st, err,
                      "INSERT INTO feature_environments (feature_name,"
                      " environment, last_seen_at)"
                      " SELECT f.name, pe.environment, ?1 FROM features f"
                      " JOIN project_environments pe"
                      " ON pe.project_id = f.project_id"
                      " WHERE f.name = ?2 AND pe.environment = ?3"
                      " ON CONFLICT (feature_name, environment)"
                      " DO UPDATE SET last_seen_at = excluded.last_seen_at"
                      " WHERE last_seen_at IS NULL"
                      " OR last_seen_at < excluded.last_seen_at",
                      "sss", when, flag, env);
}

/* Create the application of an instance, or move its lastSeen on. */
static int app_seen(struct vx_store *st, json_t *inst, struct vx_err *err)
{
    const char *seen = json_string_value(json_object_get(inst, "lastSeen"));

    return vx_sql_run(st, err,
                      "INSERT INTO client_applications (app_name,"
                      " strategies, created_at, last_seen)"
                      " VALUES (?, ?, ?, ?)"
                      " ON CONFLICT (app_name) DO UPDATE SET"
                      " strategies = coalesce(excluded.strategies,"
                      " strategies),"
                      " last_seen = max(last_seen, excluded.last_seen)",
                      "sjss",
                      json_string_value(json_object_get(inst, "appName")),
                      json_object_get(inst, "strategies"), seen, seen);
}

/* Create or update an instance and its application. */
int vx_store_instance_seen(struct vx_store *st, json_t *inst,
                           struct vx_err *err)
{
    json_t *interval = json_object_get(inst, "interval");
    const char *seen = json_string_value(json_object_get(inst, "lastSeen"));
    int rc = app_seen(st, inst, err);

    if (rc)
        return rc;
    return vx_sql_run(
        st, err,
        "INSERT INTO client_instances (app_name, environment, instance_id,"
        " sdk_version, strategies, started, interval, client_ip,"
        " created_at, last_seen)"
        " VALUES (?, ?, ?, ?, ?, ?, nullif(?, -1), ?, ?, ?)"
        " ON CONFLICT (app_name, environment, instance_id) DO UPDATE SET"
        " sdk_version = coalesce(excluded.sdk_version, sdk_version),"
        " strategies = coalesce(excluded.strategies, strategies),"
        " started = coalesce(excluded.started, started),"
        " interval = coalesce(excluded.interval, interval),"
        " client_ip = coalesce(excluded.client_ip, client_ip),"
        " last_seen = max(last_seen, excluded.last_seen)",
        "ssssjsisss", json_string_value(json_object_get(inst, "appName")),
        json_string_value(json_object_get(inst, "environment")),
        json_string_value(json_object_get(inst, "instanceId")),
        json_string_value(json_object_get(inst, "sdkVersion")),
        json_object_get(inst, "strategies"),
        json_string_value(json_object_get(inst, "started")),
        json_is_integer(interval) ? (int64_t)json_integer_value(interval)
                                  : (int64_t)-1,
        json_string_value(json_object_get(inst, "clientIp")), seen, seen);
}

/* Drop the counts of hours before hour. */
int vx_store_metrics_prune(struct vx_store *st, const char *hour,
                           struct vx_err *err)
{
    int rc = vx_sql_run(st, err, "DELETE FROM client_metrics WHERE hour < ?",
                        "s", hour);

    if (rc == VX_OK)
        rc = vx_sql_run(st, err,
                        "DELETE FROM client_metrics_variants WHERE hour < ?",
                        "s", hour);
    return rc;
}

#define APP_COLUMNS                                                            \
    "a.app_name AS appName,"                                                   \
    " coalesce(a.strategies, '[]') AS \"strategies$json\","                    \
    " a.created_at AS createdAt, a.last_seen AS lastSeen,"                     \
    " (SELECT json_group_array(DISTINCT i.environment)"                        \
    "  FROM client_instances i WHERE i.app_name = a.app_name)"                 \
    "  AS \"environments$json\","                                              \
    " (SELECT json_group_array(DISTINCT i.sdk_version)"                        \
    "  FROM client_instances i WHERE i.app_name = a.app_name"                  \
    "  AND i.sdk_version IS NOT NULL) AS \"sdkVersions$json\","                \
    " (SELECT json_group_array(json_object('instanceId', i.instance_id,"       \
    "  'environment', i.environment, 'sdkVersion', i.sdk_version,"             \
    "  'clientIp', i.client_ip, 'started', i.started,"                         \
    "  'interval', i.interval, 'createdAt', i.created_at,"                     \
    "  'lastSeen', i.last_seen))"                                              \
    "  FROM client_instances i WHERE i.app_name = a.app_name)"                 \
    "  AS \"instances$json\""

/* Every application with its instances, by name. */
int vx_store_apps_list(struct vx_store *st, json_t **out, struct vx_err *err)
{
    return vx_sql_rows(st, err, out,
                       "SELECT " APP_COLUMNS
                       " FROM client_applications a ORDER BY a.app_name",
                       "");
}

/* One application, with the flags it counted. */
int vx_store_app_get(struct vx_store *st, const char *app, json_t **out,
                     struct vx_err *err)
{
    int rc = vx_sql_row(st, err, out,
                        "SELECT " APP_COLUMNS ","
                        " (SELECT json_group_array(DISTINCT m.feature_name)"
                        "  FROM client_metrics m"
                        "  WHERE m.app_name = a.app_name)"
                        "  AS \"seenToggles$json\""
                        " FROM client_applications a WHERE a.app_name = ?",
                        "s", app);

    if (rc == VX_ENOTFOUND)
        vx_err_set(err, rc, NULL, "There's no application named \"%s\".", app);
    return rc;
}

/* Counts of a flag per environment and hour. */
int vx_store_flag_usage(struct vx_store *st, const char *flag,
                        const char *since, json_t **out, struct vx_err *err)
{
    return vx_sql_rows(
        st, err, out,
        "SELECT m.environment AS environment, m.hour AS timestamp,"
        " sum(m.yes) AS yes, sum(m.no) AS no,"
        " (SELECT json_group_object(variant, n) FROM"
        "  (SELECT v.variant AS variant, sum(v.count) AS n"
        "   FROM client_metrics_variants v"
        "   WHERE v.feature_name = m.feature_name AND v.hour = m.hour"
        "   AND v.environment = m.environment GROUP BY v.variant))"
        "  AS \"variants$json\""
        " FROM client_metrics m WHERE m.feature_name = ? AND m.hour >= ?"
        " GROUP BY m.environment, m.hour ORDER BY m.hour, m.environment",
        "ss", flag, since);
}

/* Counts of a flag per hour, environment and application. */
int vx_store_flag_raw(struct vx_store *st, const char *flag, const char *since,
                      json_t **out, struct vx_err *err)
{
    return vx_sql_rows(
        st, err, out,
        "SELECT m.feature_name AS featureName, m.app_name AS appName,"
        " m.environment AS environment, m.hour AS timestamp,"
        " m.yes AS yes, m.no AS no,"
        " (SELECT json_group_object(v.variant, v.count)"
        "  FROM client_metrics_variants v"
        "  WHERE v.feature_name = m.feature_name AND v.hour = m.hour"
        "  AND v.environment = m.environment"
        "  AND v.app_name = m.app_name) AS \"variants$json\""
        " FROM client_metrics m WHERE m.feature_name = ? AND m.hour >= ?"
        " ORDER BY m.hour, m.environment, m.app_name",
        "ss", flag, since);
}

/* The applications that counted a flag. */
int vx_store_flag_apps(struct vx_store *st, const char *flag, json_t **out,
                       struct vx_err *err)
{
    json_t *rows = NULL;
    size_t i;
    json_t *row;
    int rc = vx_sql_rows(st, err, &rows,
                         "SELECT DISTINCT app_name AS appName"
                         " FROM client_metrics WHERE feature_name = ?"
                         " ORDER BY app_name",
                         "s", flag);

    *out = NULL;
    if (rc)
        return rc;
    *out = json_array();
    json_array_foreach (rows, i, row)
        json_array_append(*out, json_object_get(row, "appName"));
    json_decref(rows);
    return VX_OK;
}
