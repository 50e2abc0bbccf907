/*
 * The migrations compiled into the binary from the SQL files of db/migrations
 * by scripts/embed-sql.sh, in ascending version order.
 */
#ifndef VX_MIGRATIONS_H
#define VX_MIGRATIONS_H

struct vx_migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct vx_migration vx_migrations[];
extern const int vx_migration_count;

#endif
