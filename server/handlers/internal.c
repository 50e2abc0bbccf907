/*
 * GET /internal-backstage/prometheus: operator metrics in the Prometheus
 * text format, public like /health (see docs/operations.md on keeping
 * it private). The HTTP series come from the registry in obs/; the
 * snapshot, token and usage-metrics series are read here from their
 * modules at scrape time.
 */
#include "handlers/handlers.h"

#include <stdlib.h>

#include "app.h"
#include "auth/auth.h"
#include "metrics/metrics.h"
#include "obs/obs.h"
#include "snapshot/snapshot.h"

/* Append one "name{environment="env"} value" line. */
static void env_line(struct vx_buf *b, const char *name, const char *env,
                     long long value)
{
    vx_buf_addf(b, "%s{environment=\"", name);
    vx_obs_label(b, env);
    vx_buf_addf(b, "\"} %lld\n", value);
}

/* Append the series of the flag snapshots. */
static void write_snapshots(struct vx_buf *b, struct vx_snapshots *ss)
{
    struct vx_snapshot **snaps = NULL;
    struct vx_snapshots_stats st = {0};
    size_t n = 0;

    if (ss) {
        n = vx_snapshots_list(ss, &snaps);
        vx_snapshots_stats(ss, &st);
    }
    vx_obs_head(b, "vexil_snapshot_revision", "gauge",
                "Revision of the flags SDKs of the environment see; it "
                "changes whenever they change.");
    for (size_t i = 0; i < n; i++)
        env_line(b, "vexil_snapshot_revision",
                 vx_snapshot_environment(snaps[i]),
                 (long long)vx_snapshot_revision(snaps[i]));
    vx_obs_head(b, "vexil_snapshot_flags", "gauge",
                "Flags served to SDKs of the environment.");
    for (size_t i = 0; i < n; i++)
        env_line(b, "vexil_snapshot_flags", vx_snapshot_environment(snaps[i]),
                 (long long)vx_snapshot_flag_count(snaps[i]));
    for (size_t i = 0; i < n; i++)
        vx_snapshot_release(snaps[i]);
    free(snaps);
    vx_obs_head(b, "vexil_snapshot_rebuilds_total", "counter",
                "Rebuilds of the flag snapshots, at start and after changes.");
    vx_buf_addf(b, "vexil_snapshot_rebuilds_total %llu\n",
                (unsigned long long)st.rebuilds);
    vx_obs_head(b, "vexil_snapshot_rebuild_failures_total", "counter",
                "Rebuilds that failed; SDKs kept the previous flags.");
    vx_buf_addf(b, "vexil_snapshot_rebuild_failures_total %llu\n",
                (unsigned long long)st.failures);
    vx_obs_head(b, "vexil_snapshot_rebuild_seconds", "summary",
                "Time the finished rebuilds took.");
    vx_buf_addf(b,
                "vexil_snapshot_rebuild_seconds_sum %llu.%06llu\n"
                "vexil_snapshot_rebuild_seconds_count %llu\n",
                (unsigned long long)(st.rebuild_us / 1000000),
                (unsigned long long)(st.rebuild_us % 1000000),
                (unsigned long long)st.rebuilds);
}

/* Append the token cache and usage-metrics series. */
static void write_tokens_metrics(struct vx_buf *b, struct vx_app *app)
{
    size_t pending = 0;
    uint64_t dropped = 0;

    vx_obs_head(b, "vexil_tokens", "gauge",
                "API tokens in the in-memory token cache.");
    vx_buf_addf(b, "vexil_tokens %zu\n",
                app->auth ? vx_auth_count(app->auth) : 0);
    if (app->metrics)
        vx_metrics_pending(app->metrics, &pending, &dropped);
    vx_obs_head(b, "vexil_metrics_pending_keys", "gauge",
                "New SDK usage keys held in memory, waiting for the next "
                "flush.");
    vx_buf_addf(b, "vexil_metrics_pending_keys %zu\n", pending);
    vx_obs_head(b, "vexil_metrics_dropped_total", "counter",
                "SDK usage keys refused because too many were waiting "
                "for a flush.");
    vx_buf_addf(b, "vexil_metrics_dropped_total %llu\n",
                (unsigned long long)dropped);
}

/* The exposition, as text/plain version 0.0.4. */
static void on_prometheus(struct vx_req *req, struct vx_reply *rep)
{
    struct vx_buf b = {0};

    vx_obs_write(&b);
    write_snapshots(&b, req->app->snapshots);
    write_tokens_metrics(&b, req->app);
    rep->status = 200;
    rep->bytes = b.buf;
    rep->len = b.len;
    rep->free_fn = free;
    rep->free_arg = b.buf;
    rep->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

const struct vx_route vx_routes_internal[] = {
    {"GET", "/internal-backstage/prometheus", VX_ACCESS_PUBLIC, VX_ROLE_NONE,
     on_prometheus},
    {NULL, NULL, 0, 0, NULL},
};
