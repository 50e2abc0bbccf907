/*
 * Error codes and the error record passed up from the store and the
 * validators to the HTTP layer, which turns it into the documented JSON
 * error body. A function that fails returns a negative VX_E* code and,
 * when given a struct vx_err, fills it with a message for the user.
 */
#ifndef VX_ERR_H
#define VX_ERR_H

enum {
    VX_OK = 0,
    VX_EINVAL = -1,     /* bad input: 400 */
    VX_ENOTFOUND = -2,  /* 404 */
    VX_ECONFLICT = -3,  /* duplicate or stale: 409 */
    VX_EFORBIDDEN = -4, /* 403 */
    VX_EDB = -5,        /* storage failure: 500 */
    VX_EINTERNAL = -6,  /* any other failure: 500 */
    VX_ETOOLARGE = -7,  /* 413 */
    VX_EMEDIA = -8,     /* 415 */
    VX_EUNAUTH = -9,    /* 401 */
};

struct vx_err {
    int code;
    char msg[512];
    char path[96]; /* where in the request, "/body/name"; may be empty */
};

/*
 * Record an error in err (which may be NULL) and return code, so that
 * callers can write `return vx_err_set(err, VX_EINVAL, "/body/name",
 * "...")`. path may be NULL.
 */
int vx_err_set(struct vx_err *err, int code, const char *path, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));

/* Reset err to "no error". */
void vx_err_clear(struct vx_err *err);

#endif
