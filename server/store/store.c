/*
 * Opening the database, migrations, the transaction brackets and the
 * audit log. The store owns one SQLite connection; its mutex serialises
 * every use of it (see store.h). The change hook is set once at
 * start-up, before any thread uses the store.
 */
#include "store/store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store/migrations.h"
#include "store/sql.h"
#include "vx_alloc.h"

struct vx_store {
    sqlite3 *db;
    pthread_mutex_t lock;
    int touched; /* the open write transaction changed flag data */
    void (*on_change)(void *arg);
    void *on_change_arg;
};

sqlite3 *vx_store_db(struct vx_store *st)
{
    return st->db;
}

/* Run sql (no parameters, maybe several statements). */
static int exec(struct vx_store *st, const char *sql, struct vx_err *err)
{
    char *msg = NULL;

    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return VX_OK;
    vx_err_set(err, VX_EDB, NULL, "database error: %s",
               msg ? msg : sqlite3_errmsg(st->db));
    sqlite3_free(msg);
    return VX_EDB;
}

/* Highest migration applied, 0 for a new database. */
static int current_version(struct vx_store *st, struct vx_err *err,
                           int64_t *version)
{
    int rc = exec(st,
                  "CREATE TABLE IF NOT EXISTS schema_migrations ("
                  " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                  " applied_at TEXT NOT NULL)",
                  err);

    if (rc)
        return rc;
    return vx_sql_int(st, err, version,
                      "SELECT coalesce(max(version), 0) "
                      "FROM schema_migrations",
                      "");
}

/* Apply migration m in its own transaction. */
static int apply_migration(struct vx_store *st, const struct vx_migration *m,
                           struct vx_err *err)
{
    char now[32];
    int rc;

    vx_sql_now(now);
    rc = exec(st, "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    rc = exec(st, m->sql, err);
    if (rc == VX_OK)
        rc = vx_sql_run(st, err,
                        "INSERT INTO schema_migrations VALUES (?, ?, ?)", "iss",
                        (int64_t)m->version, m->name, now);
    if (rc == VX_OK)
        rc = exec(st, "COMMIT", err);
    if (rc) {
        exec(st, "ROLLBACK", NULL);
        return vx_err_set(err, rc, NULL, "migration %s failed: %s", m->name,
                          err ? err->msg : "");
    }
    vx_log_info("migration applied", "name=%s", m->name);
    return VX_OK;
}

/* Bring the schema up to date, refusing a database newer than us. */
static int migrate(struct vx_store *st, struct vx_err *err)
{
    int latest = vx_migrations[vx_migration_count - 1].version;
    int64_t version = 0;
    int rc = current_version(st, err, &version);

    if (rc)
        return rc;
    if (version > latest)
        return vx_err_set(err, VX_EINVAL, NULL,
                          "database schema version %lld is newer than "
                          "this binary's %d: upgrade vexil",
                          (long long)version, latest);
    for (int i = 0; i < vx_migration_count; i++) {
        if (vx_migrations[i].version <= version)
            continue;
        rc = apply_migration(st, &vx_migrations[i], err);
        if (rc)
            return rc;
    }
    return VX_OK;
}

int vx_store_open(const char *path, struct vx_store **out, struct vx_err *err)
{
    struct vx_store *st = vx_calloc(1, sizeof(*st));
    int rc;

    *out = NULL;
    pthread_mutex_init(&st->lock, NULL);
    if (sqlite3_open_v2(path, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                            SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        rc = vx_err_set(err, VX_EDB, NULL, "cannot open database '%s': %s",
                        path, sqlite3_errmsg(st->db));
        goto out;
    }
    sqlite3_busy_timeout(st->db, 5000);
    /* synchronous=FULL: a reply is sent only after the commit is on disk,
     * so an accepted write survives kill -9 and power loss alike. */
    rc = exec(st,
              "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
              " PRAGMA foreign_keys=ON;",
              err);
    if (rc == VX_OK)
        rc = migrate(st, err);
out:
    if (rc) {
        vx_store_close(st);
        return rc;
    }
    *out = st;
    return VX_OK;
}

void vx_store_close(struct vx_store *st)
{
    if (!st)
        return;
    sqlite3_close_v2(st->db);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

int vx_store_schema_version(struct vx_store *st)
{
    int64_t v = 0;

    pthread_mutex_lock(&st->lock);
    vx_sql_int(st, NULL, &v, "SELECT max(version) FROM schema_migrations", "");
    pthread_mutex_unlock(&st->lock);
    return (int)v;
}

int vx_store_begin(struct vx_store *st, struct vx_err *err)
{
    int rc;

    pthread_mutex_lock(&st->lock);
    st->touched = 0;
    rc = exec(st, "BEGIN IMMEDIATE", err);
    if (rc)
        pthread_mutex_unlock(&st->lock);
    return rc;
}

int vx_store_commit(struct vx_store *st, struct vx_err *err)
{
    int touched = st->touched;
    int rc = exec(st, "COMMIT", err);

    if (rc)
        exec(st, "ROLLBACK", NULL);
    st->touched = 0;
    pthread_mutex_unlock(&st->lock);
    if (rc == VX_OK && touched && st->on_change)
        st->on_change(st->on_change_arg);
    return rc;
}

void vx_store_rollback(struct vx_store *st)
{
    exec(st, "ROLLBACK", NULL);
    st->touched = 0;
    pthread_mutex_unlock(&st->lock);
}

int vx_store_finish(struct vx_store *st, int rc, struct vx_err *err)
{
    if (rc == VX_OK)
        return vx_store_commit(st, err);
    vx_store_rollback(st);
    return rc;
}

int vx_store_read(struct vx_store *st, struct vx_err *err)
{
    int rc;

    pthread_mutex_lock(&st->lock);
    rc = exec(st, "BEGIN", err);
    if (rc)
        pthread_mutex_unlock(&st->lock);
    return rc;
}

void vx_store_done(struct vx_store *st)
{
    exec(st, "COMMIT", NULL);
    pthread_mutex_unlock(&st->lock);
}

void vx_store_touch_flags(struct vx_store *st)
{
    st->touched = 1;
}

void vx_store_set_change_hook(struct vx_store *st, void (*fn)(void *arg),
                              void *arg)
{
    st->on_change = fn;
    st->on_change_arg = arg;
}

int vx_store_event(struct vx_store *st, const struct vx_actor *who,
                   const char *type, const char *project, const char *feature,
                   const char *environment, json_t *pre, json_t *data,
                   struct vx_err *err)
{
    char now[32];

    vx_sql_now(now);
    return vx_sql_run(st, err,
                      "INSERT INTO events (type, created_at, created_by,"
                      " created_by_user_id, project, feature_name,"
                      " environment, pre_data, data)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      "sssisssjj", type, now, who->name, who->user_id, project,
                      feature, environment, pre, data);
}

/*
 * The filters of vx_store_events_list(), bound as ?1 to ?6. A term
 * "?n IS NULL OR col = ?n" keeps SQLite from using an index on col, so
 * there is one statement per shape: by flag (the events_feature index),
 * by project (events_project), or neither.
 */
#define EVENT_REST                                                             \
    " AND (?3 IS NULL OR environment = ?3)"                                    \
    " AND (?4 IS NULL OR type = ?4)"                                           \
    " AND (?5 IS NULL OR created_at >= ?5)"                                    \
    " AND (?6 IS NULL OR created_at <= ?6)"
#define EVENT_BY_FEATURE                                                       \
    " WHERE feature_name = ?2 AND (?1 IS NULL OR project = ?1)" EVENT_REST
#define EVENT_BY_PROJECT                                                       \
    " WHERE project = ?1 AND (?2 IS NULL OR feature_name = ?2)" EVENT_REST
#define EVENT_ANY                                                              \
    " WHERE (?1 IS NULL OR project = ?1)"                                      \
    " AND (?2 IS NULL OR feature_name = ?2)" EVENT_REST
#define EVENT_SELECT                                                           \
    "SELECT id, type, created_at AS createdAt,"                                \
    " created_by AS createdBy, created_by_user_id AS createdByUserId,"         \
    " project, feature_name AS featureName, environment,"                      \
    " pre_data AS \"preData$json\", data AS \"data$json\" FROM events"
#define EVENT_PAGE " ORDER BY id DESC LIMIT ?7 OFFSET ?8"

static const struct {
    const char *count, *list;
} event_sql[] = {
    {"SELECT count(*) FROM events" EVENT_BY_FEATURE,
     EVENT_SELECT EVENT_BY_FEATURE EVENT_PAGE},
    {"SELECT count(*) FROM events" EVENT_BY_PROJECT,
     EVENT_SELECT EVENT_BY_PROJECT EVENT_PAGE},
    {"SELECT count(*) FROM events" EVENT_ANY,
     EVENT_SELECT EVENT_ANY EVENT_PAGE},
};

int vx_store_events_list(struct vx_store *st, const struct vx_event_filter *f,
                         json_t **out, int64_t *total, struct vx_err *err)
{
    int shape = f->feature ? 0 : f->project ? 1 : 2;
    int rc;

    rc =
        vx_sql_int(st, err, total, event_sql[shape].count, "ssssss", f->project,
                   f->feature, f->environment, f->type, f->from, f->to);
    if (rc)
        return rc;
    return vx_sql_rows(st, err, out, event_sql[shape].list, "ssssssii",
                       f->project, f->feature, f->environment, f->type, f->from,
                       f->to, f->limit > 0 ? f->limit : (int64_t)100,
                       f->offset > 0 ? f->offset : (int64_t)0);
}
