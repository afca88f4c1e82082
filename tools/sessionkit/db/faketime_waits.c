/*
 * Preloaded before libfaketime by `sessionkit db start --clock`: the waits Postgres makes
 * (select, poll, epoll, sleeps) go straight to the kernel instead of through libfaketime.
 *
 * libfaketime switches faking off (a thread-local flag) for the duration of every wait it
 * wraps. Postgres 15 handles signals while it waits: the postmaster starts background workers
 * from a signal handler that interrupts its select(), and a backend's SIGALRM handler
 * (deadlock_timeout, lock_timeout, statement_timeout) interrupts its epoll_wait(). Inside
 * libfaketime's wait those handlers read the real clock: background workers (pg_cron's
 * launcher and jobs, parallel workers) ran on real time for good, and a timeout due at a
 * fake moment looked months away, so it never fired (a deadlock waited forever). libfaketime
 * only adds a speed factor (FAKETIME rate) to these calls, which sessionkit never sets.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define KERNEL_SIGSET_SIZE (_NSIG / 8)

int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout)
{
    struct timespec ts;
    if (timeout != NULL) {
        ts.tv_sec = timeout->tv_sec;
        ts.tv_nsec = timeout->tv_usec * 1000;
    }
    return (int) syscall(SYS_pselect6, nfds, readfds, writefds, exceptfds, timeout ? &ts : NULL, NULL);
}

int pselect(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
            const struct timespec *timeout, const sigset_t *sigmask)
{
    struct timespec ts;
    struct { const sigset_t *set; size_t size; } mask = { sigmask, KERNEL_SIGSET_SIZE };
    if (timeout != NULL)
        ts = *timeout;
    return (int) syscall(SYS_pselect6, nfds, readfds, writefds, exceptfds, timeout ? &ts : NULL,
                         sigmask ? &mask : NULL);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    struct timespec ts = { timeout / 1000, (timeout % 1000) * 1000000L };
    return (int) syscall(SYS_ppoll, fds, nfds, timeout < 0 ? NULL : &ts, NULL, KERNEL_SIGSET_SIZE);
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout, const sigset_t *sigmask)
{
    struct timespec ts;
    if (timeout != NULL)
        ts = *timeout;
    return (int) syscall(SYS_ppoll, fds, nfds, timeout ? &ts : NULL, sigmask, KERNEL_SIGSET_SIZE);
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
    return (int) syscall(SYS_epoll_pwait, epfd, events, maxevents, timeout, NULL, KERNEL_SIGSET_SIZE);
}

int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout, const sigset_t *sigmask)
{
    return (int) syscall(SYS_epoll_pwait, epfd, events, maxevents, timeout, sigmask, KERNEL_SIGSET_SIZE);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    return (int) syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, req, rem);
}

int usleep(useconds_t usec)
{
    struct timespec req = { usec / 1000000, (usec % 1000000) * 1000L };
    return nanosleep(&req, NULL);
}

unsigned int sleep(unsigned int seconds)
{
    struct timespec req = { seconds, 0 }, rem = { 0, 0 };
    if (nanosleep(&req, &rem) == -1 && errno == EINTR)
        return (unsigned int) rem.tv_sec;
    return 0;
}
