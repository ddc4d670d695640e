/* SPDX-License-Identifier: MIT */
/* Threads: clone with the thread flags (through pthreads), futexes,
 * thread ids, TLS, exit of threads and of the group. */
#include "t.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>

/* linux/futex.h, which musl does not ship */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u

static atomic_int counter;
static __thread int tls_value;

static void *add(void *arg)
{
	for (int i = 0; i < 10000; i++)
		atomic_fetch_add(&counter, 1);
	tls_value = (int)(long)arg;
	return (void *)(long)(tls_value * 2 +
			      (syscall(SYS_gettid) != getpid()));
}

TEST(threads_share_memory_and_have_own_tls)
{
	pthread_t th[8];

	tls_value = -1;
	for (long i = 0; i < 8; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, add, (void *)i), 0);
	for (long i = 0; i < 8; i++) {
		void *ret;
		CHECK_EQ(pthread_join(th[i], &ret), 0);
		CHECK_EQ((long)ret, i * 2 + 1);
	}
	CHECK_EQ(atomic_load(&counter), 80000);
	CHECK_EQ(tls_value, -1);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;

static void *waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!ready)
		pthread_cond_wait(&cond, &lock);
	ready++;
	pthread_mutex_unlock(&lock);
	return NULL;
}

TEST(condition_variables_wake_waiters)
{
	pthread_t th[4];

	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, waiter, NULL), 0);
	usleep(100000);
	pthread_mutex_lock(&lock);
	ready = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);
	CHECK_EQ(ready, 5);
}

static void *contend(void *arg)
{
	long *shared = arg;

	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&lock);
		(*shared)++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

TEST(mutex_contention)
{
	pthread_t th[4];
	long shared = 0;

	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, contend, &shared), 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);
	CHECK_EQ(shared, 8000);
}

static void *exit_group_thread(void *arg)
{
	(void)arg;
	usleep(50000);
	exit(9); /* ends every thread */
}

TEST(exit_from_a_thread_ends_the_process)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		pthread_t th;
		pthread_create(&th, NULL, exit_group_thread, NULL);
		for (;;)
			pause();
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 9);
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

TEST(main_thread_exit_leaves_others_running)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		pthread_t th;
		pthread_create(&th, NULL, sleeper, NULL);
		pthread_exit(NULL);
	}
	usleep(200000);
	/* The process still exists: its other thread is alive. */
	CHECK_EQ(waitpid(pid, &status, WNOHANG), 0);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status));
}

TEST(futex_wait_value_mismatch_and_timeout)
{
	int word = 1;
	struct timespec ts = { 0, 20000000 };

	CHECK_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 2, NULL),
		  EAGAIN);
	CHECK_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, &ts),
		  ETIMEDOUT);
	CHECK_EQ(syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1), 0);
	CHECK_ERR(syscall(SYS_futex, (char *)&word + 1, FUTEX_WAIT, 1, NULL),
		  EINVAL);
}

static int futex_word;

static void *futex_waker(void *arg)
{
	(void)arg;
	usleep(100000);
	__atomic_store_n(&futex_word, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1);
	return NULL;
}

TEST(futex_wake_wakes_a_waiter)
{
	pthread_t th;

	CHECK_EQ(pthread_create(&th, NULL, futex_waker, NULL), 0);
	while (!__atomic_load_n(&futex_word, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL);
	CHECK_EQ(pthread_join(th, NULL), 0);
}

TEST(gettid_differs_per_thread)
{
	CHECK_EQ(syscall(SYS_gettid), getpid());
	/* checked for other threads in threads_share_memory_... */
}

/* Priority-inheritance mutexes: pthreads take them with FUTEX_LOCK_PI
 * when contended and hand them over with FUTEX_UNLOCK_PI. */
static pthread_mutex_t pi_mutex;
static long pi_count;

static void *pi_add(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5000; i++) {
		pthread_mutex_lock(&pi_mutex);
		long v = pi_count;
		if (i % 64 == 0)
			sched_yield();
		pi_count = v + 1;
		pthread_mutex_unlock(&pi_mutex);
	}
	return NULL;
}

TEST(pi_mutex_contention)
{
	pthread_mutexattr_t a;
	pthread_t th[4];

	CHECK_EQ(pthread_mutexattr_init(&a), 0);
	CHECK_EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT), 0);
	CHECK_EQ(pthread_mutex_init(&pi_mutex, &a), 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, pi_add, NULL), 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);
	CHECK_EQ(pi_count, 4 * 5000);
}

static void *pi_try_from_other(void *arg)
{
	return (void *)(long)pthread_mutex_trylock(arg);
}

static void *pi_lock_and_die(void *arg)
{
	pthread_mutex_lock(arg);
	return NULL; /* exits holding it */
}

TEST(pi_mutex_trylock_and_owner_death)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	pthread_t th;
	void *ret;

	CHECK_EQ(pthread_mutexattr_init(&a), 0);
	CHECK_EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT), 0);
	CHECK_EQ(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST), 0);
	CHECK_EQ(pthread_mutex_init(&m, &a), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_create(&th, NULL, pi_try_from_other, &m), 0);
	CHECK_EQ(pthread_join(th, &ret), 0);
	CHECK_EQ((long)ret, EBUSY);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	/* A robust PI mutex whose owner exits comes back EOWNERDEAD. */
	CHECK_EQ(pthread_create(&th, NULL, pi_lock_and_die, &m), 0);
	CHECK_EQ(pthread_join(th, NULL), 0);
	CHECK_EQ(pthread_mutex_lock(&m), EOWNERDEAD);
	CHECK_EQ(pthread_mutex_consistent(&m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
}

/* The raw protocol: the word holds the owner's TID. */
TEST(pi_futex_syscall_errors)
{
	unsigned word = 0, tid = (unsigned)syscall(SYS_gettid);

	/* Free: LOCK_PI takes it (the kernel writes our TID). */
	CHECK_EQ(syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, NULL), 0);
	CHECK_EQ(word, tid);
	CHECK_ERR(syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, NULL), EDEADLK);
	CHECK_EQ(syscall(SYS_futex, &word, FUTEX_UNLOCK_PI, 0, NULL), 0);
	CHECK_EQ(word, 0);
	/* Only the owner may unlock. */
	CHECK_ERR(syscall(SYS_futex, &word, FUTEX_UNLOCK_PI, 0, NULL), EPERM);
	/* An owner that does not exist. */
	word = 0x3ffffff0;
	CHECK_ERR(syscall(SYS_futex, &word, FUTEX_TRYLOCK_PI, 0, NULL), ESRCH);
	CHECK_ERR(syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, NULL), ESRCH);
	/* OWNER_DIED with no owner: the lock is taken, the bit kept. */
	word = FUTEX_OWNER_DIED;
	CHECK_EQ(syscall(SYS_futex, &word, FUTEX_TRYLOCK_PI, 0, NULL), 0);
	CHECK_EQ(word, FUTEX_OWNER_DIED | tid);
}
