/* SPDX-License-Identifier: MIT */
/* Clocks, sleeping and interval timers (clock_gettime(2), nanosleep(2),
 * setitimer(2), alarm(2)). */
#include "kernel/uapi/time.h"
#include "proc/proc_internal.h"

static void ns_to_ts(uint64_t ns, struct linux_timespec *ts)
{
	ts->tv_sec = ns / NSEC_PER_SEC;
	ts->tv_nsec = ns % NSEC_PER_SEC;
}

static bool ts_valid(const struct linux_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000;
}

static uint64_t ts_to_ns(const struct linux_timespec *ts)
{
	if ((uint64_t)ts->tv_sec >= UINT64_MAX / NSEC_PER_SEC - 1)
		return UINT64_MAX / 2; /* practically forever */
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static uint64_t thread_cputime(struct task *t)
{
	return t->utime_ns + t->stime_ns;
}

static uint64_t process_cputime(struct process *p)
{
	struct task *t;
	uint64_t sum = p->utime_ns + p->stime_ns;
	bool irq = spin_lock_irqsave(&tasklist_lock);

	list_for_each_entry(t, &p->threads,
			    thread_link) if (t->state != TASK_DEAD)
		sum += thread_cputime(t);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return sum;
}

/* The clock's reading in ns, or -EINVAL. */
static int clock_read(int clock, uint64_t *ns)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_TAI:
		*ns = time_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		*ns = time_ns();
		return 0;
	/* The coarse clocks are the last tick's reading, as Linux's and as
	 * the vDSO's (kernel/vdso/vclock.c). */
	case CLOCK_REALTIME_COARSE:
		*ns = time_realtime_coarse_ns();
		return 0;
	case CLOCK_MONOTONIC_COARSE:
		*ns = time_coarse_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*ns = process_cputime(current->proc);
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = thread_cputime(current);
		return 0;
	}
	return -EINVAL;
}

static long sys_clock_gettime(int clock, uaddr_t uts)
{
	struct linux_timespec ts;
	uint64_t ns;
	int err = clock_read(clock, &ns);

	if (err)
		return err;
	ns_to_ts(ns, &ts);
	return copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}
SYSCALL_REGISTER(clock_gettime, sys_clock_gettime);

static long sys_clock_getres(int clock, uaddr_t uts)
{
	struct linux_timespec ts = { 0, 1 };
	uint64_t ns;
	int err = clock_read(clock, &ns);

	if (err)
		return err;
	if (clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE)
		ts.tv_nsec = NSEC_PER_SEC / HZ;
	if (uts && copy_to_user(uts, &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}
SYSCALL_REGISTER(clock_getres, sys_clock_getres);

static long sys_clock_settime(int clock, uaddr_t uts)
{
	struct linux_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (clock != CLOCK_REALTIME)
		return -EINVAL;
	if (!ts_valid(&ts))
		return -EINVAL;
	if (!capable())
		return -EPERM;
	time_set_realtime_ns(ts_to_ns(&ts));
	return 0;
}
SYSCALL_REGISTER(clock_settime, sys_clock_settime);

static long sys_gettimeofday(uaddr_t utv, uaddr_t utz)
{
	uint64_t ns = time_realtime_ns();
	struct linux_timeval tv = { ns / NSEC_PER_SEC,
				    ns % NSEC_PER_SEC / 1000 };
	struct linux_timezone tz = { 0, 0 };

	if (utv && copy_to_user(utv, &tv, sizeof(tv)))
		return -EFAULT;
	if (utz && copy_to_user(utz, &tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}
SYSCALL_REGISTER(gettimeofday, sys_gettimeofday);

static long sys_settimeofday(uaddr_t utv, uaddr_t utz)
{
	struct linux_timeval tv;

	(void)utz;
	if (!utv)
		return 0;
	if (copy_from_user(&tv, utv, sizeof(tv)))
		return -EFAULT;
	if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EINVAL;
	if (!capable())
		return -EPERM;
	time_set_realtime_ns(tv.tv_sec * NSEC_PER_SEC + tv.tv_usec * 1000);
	return 0;
}
SYSCALL_REGISTER(settimeofday, sys_settimeofday);

static long sys_time(uaddr_t ut)
{
	int64_t t = time_realtime_ns() / NSEC_PER_SEC;

	if (ut && put_user(t, ut))
		return -EFAULT;
	return t;
}
SYSCALL_REGISTER(time, sys_time);

/* Sleeps until deadline on the time_ns() clock: 0, or -EINTR-ish when a
 * signal comes first (the caller picks the restart code). */
static int sleep_until(uint64_t deadline)
{
	struct task *t = current;

	for (;;) {
		t->state = TASK_INTERRUPTIBLE;
		if (signal_pending(t)) {
			t->state = TASK_RUNNING;
			return -EINTR;
		}
		if (time_ns() >= deadline) {
			t->state = TASK_RUNNING;
			return 0;
		}
		schedule_deadline(deadline);
	}
}

/* A relative sleep interrupted by a signal: report the time left, and
 * arrange for restart_syscall to finish it if no handler runs. */
static long relative_sleep(uint64_t deadline, uaddr_t urem);

static long restart_relative_sleep(void)
{
	return relative_sleep(current->restart.deadline, current->restart.rem);
}

static long relative_sleep(uint64_t deadline, uaddr_t urem)
{
	struct linux_timespec rem;
	uint64_t now;

	if (!sleep_until(deadline))
		return 0;
	now = time_ns();
	ns_to_ts(deadline > now ? deadline - now : 0, &rem);
	if (urem && copy_to_user(urem, &rem, sizeof(rem)))
		return -EFAULT;
	current->restart.fn = restart_relative_sleep;
	current->restart.deadline = deadline;
	current->restart.rem = urem;
	return -ERESTART_RESTARTBLOCK;
}

static long sys_nanosleep(uaddr_t ureq, uaddr_t urem)
{
	struct linux_timespec req;

	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (!ts_valid(&req))
		return -EINVAL;
	return relative_sleep(time_ns() + ts_to_ns(&req), urem);
}
SYSCALL_REGISTER(nanosleep, sys_nanosleep);

static long sys_clock_nanosleep(int clock, int flags, uaddr_t ureq,
				uaddr_t urem)
{
	struct linux_timespec req;
	uint64_t ns, now;
	int err;

	if (clock == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	err = clock_read(clock, &now);
	if (err)
		return err;
	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (!ts_valid(&req))
		return -EINVAL;
	ns = ts_to_ns(&req);
	if (!(flags & TIMER_ABSTIME))
		return relative_sleep(time_ns() + ns, urem);
	/* An absolute sleep restarts as it was (clock_nanosleep(2)). */
	if (ns <= now)
		return 0;
	return sleep_until(time_ns() + (ns - now)) ? -ERESTARTNOHAND : 0;
}
SYSCALL_REGISTER(clock_nanosleep, sys_clock_nanosleep);

static long sys_restart_syscall(void)
{
	long (*fn)(void) = current->restart.fn;

	current->restart.fn = NULL;
	return fn ? fn() : -EINTR;
}
SYSCALL_REGISTER(restart_syscall, sys_restart_syscall);

/* ---- interval timers ---- */

static void real_timer_fired(struct ktimer *kt)
{
	struct process *p = kt->data;

	signal_send_process(p, SIGALRM, NULL);
	if (p->real_interval_ns)
		ktimer_arm(kt, kt->expires + p->real_interval_ns);
}

static void tv_from_ns(uint64_t ns, struct linux_timeval *tv)
{
	tv->tv_sec = ns / NSEC_PER_SEC;
	tv->tv_usec = ns % NSEC_PER_SEC / 1000;
}

static uint64_t tv_to_ns(const struct linux_timeval *tv)
{
	return tv->tv_sec * NSEC_PER_SEC + tv->tv_usec * 1000;
}

static void get_itimer(struct process *p, int which, struct linux_itimerval *v)
{
	uint64_t now = time_ns();

	memset(v, 0, sizeof(*v));
	if (which == ITIMER_REAL) {
		if (p->real_timer.armed && p->real_timer.expires > now)
			tv_from_ns(p->real_timer.expires - now, &v->it_value);
		tv_from_ns(p->real_interval_ns, &v->it_interval);
	} else if (which == ITIMER_VIRTUAL) {
		tv_from_ns(p->virt_value_ns, &v->it_value);
		tv_from_ns(p->virt_interval_ns, &v->it_interval);
	} else {
		tv_from_ns(p->prof_value_ns, &v->it_value);
		tv_from_ns(p->prof_interval_ns, &v->it_interval);
	}
}

static void set_itimer(struct process *p, int which,
		       const struct linux_itimerval *v)
{
	uint64_t value = tv_to_ns(&v->it_value);
	uint64_t interval = tv_to_ns(&v->it_interval);

	if (which == ITIMER_REAL) {
		if (!p->real_timer.fn)
			ktimer_init(&p->real_timer, real_timer_fired, p);
		ktimer_cancel(&p->real_timer);
		p->real_interval_ns = interval;
		if (value)
			ktimer_arm(&p->real_timer, time_ns() + value);
	} else if (which == ITIMER_VIRTUAL) {
		p->virt_value_ns = value;
		p->virt_interval_ns = interval;
	} else {
		p->prof_value_ns = value;
		p->prof_interval_ns = interval;
	}
}

static long sys_getitimer(int which, uaddr_t uval)
{
	struct linux_itimerval v;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	get_itimer(current->proc, which, &v);
	return copy_to_user(uval, &v, sizeof(v)) ? -EFAULT : 0;
}
SYSCALL_REGISTER(getitimer, sys_getitimer);

static long sys_setitimer(int which, uaddr_t unew, uaddr_t uold)
{
	struct linux_itimerval new = { 0 }, old;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	if (new.it_value.tv_usec < 0 || new.it_value.tv_usec >= 1000000 ||
	    new.it_interval.tv_usec < 0 || new.it_interval.tv_usec >= 1000000 ||
	    new.it_value.tv_sec < 0 || new.it_interval.tv_sec < 0)
		return -EINVAL;
	get_itimer(current->proc, which, &old);
	set_itimer(current->proc, which, &new);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
SYSCALL_REGISTER(setitimer, sys_setitimer);

/* alarm(2): the previous alarm's seconds left, rounded, never 0 while one
 * was pending (as Linux's alarm_setitimer). */
static long sys_alarm(unsigned seconds)
{
	struct linux_itimerval new = { 0 }, old;
	long left;

	new.it_value.tv_sec = seconds;
	get_itimer(current->proc, ITIMER_REAL, &old);
	set_itimer(current->proc, ITIMER_REAL, &new);
	left = old.it_value.tv_sec + (old.it_value.tv_usec >= 500000);
	if (!left && old.it_value.tv_usec)
		left = 1;
	return left;
}
SYSCALL_REGISTER(alarm, sys_alarm);

/* From the tick: ITIMER_VIRTUAL counts user time, ITIMER_PROF all. */
void itimer_tick(struct task *t, bool user)
{
	struct process *p = t->proc;
	uint64_t tick = NSEC_PER_SEC / HZ;

	if (user && p->virt_value_ns) {
		if (p->virt_value_ns <= tick) {
			p->virt_value_ns = p->virt_interval_ns;
			signal_send_process(p, SIGVTALRM, NULL);
		} else {
			p->virt_value_ns -= tick;
		}
	}
	if (p->prof_value_ns) {
		if (p->prof_value_ns <= tick) {
			p->prof_value_ns = p->prof_interval_ns;
			signal_send_process(p, SIGPROF, NULL);
		} else {
			p->prof_value_ns -= tick;
		}
	}
}
