/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX sockets (unix(7)): creation, names (path, abstract, autobind),
 * connect/listen/accept, socketpair, shutdown, poll and release, after
 * Linux's net/unix/af_unix.c. Messages are in af_unix_msg.c.
 */
#include "mm/mm.h"
#include "vfs/af_unix.h"

struct mutex unix_mutex = MUTEX_INIT(unix_mutex);
static LIST_HEAD(unix_bound);
LIST_HEAD(unix_all);
static unsigned autobind_next;

void unix_sock_get(struct unix_sock *u)
{
	__atomic_add_fetch(&u->refcount, 1, __ATOMIC_RELAXED);
}

void unix_addr_put(struct unix_addr *a)
{
	if (a && __atomic_sub_fetch(&a->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(a);
}

void unix_sock_put(struct unix_sock *u)
{
	if (!u || __atomic_sub_fetch(&u->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	unix_addr_put(u->addr);
	kfree(u);
}

struct linux_ucred unix_current_cred(bool effective)
{
	const struct cred *c = &current->proc->cred;
	struct linux_ucred uc = { current->proc->pid, c->uid, c->gid };

	if (effective) {
		uc.uid = c->euid;
		uc.gid = c->egid;
	}
	return uc;
}

static struct unix_sock *unix_alloc(int type)
{
	struct unix_sock *u = kzalloc(sizeof(*u));

	if (!u)
		return NULL;
	u->refcount = 1;
	u->type = type;
	u->sndbuf = 212992;
	u->peercred = (struct linux_ucred){ 0, (uint32_t)-1, (uint32_t)-1 };
	list_init(&u->conn_list);
	list_init(&u->conn_link);
	list_init(&u->bound_link);
	list_init(&u->rxq);
	list_init(&u->acceptq);
	list_init(&u->accept_link);
	wq_init(&u->wq);
	mutex_lock(&unix_mutex);
	list_add_tail(&u->all_link, &unix_all);
	mutex_unlock(&unix_mutex);
	return u;
}

static void attach(struct socket *s, struct unix_sock *u)
{
	s->sk = u;
	u->sock = s;
	u->ino = s->file->inode->ino;
}

int unix_create(struct socket *s, int protocol)
{
	struct unix_sock *u;

	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	switch (s->type) {
	case SOCK_RAW: /* Linux makes it a datagram socket */
		s->type = SOCK_DGRAM;
		break;
	case SOCK_STREAM:
	case SOCK_DGRAM:
	case SOCK_SEQPACKET:
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}
	u = unix_alloc(s->type);
	if (!u)
		return -ENOMEM;
	attach(s, u);
	return 0;
}

/* Unlinks u from its peer's list of dgram senders; unix_mutex held. */
static void drop_peer_locked(struct unix_sock *u)
{
	list_del(&u->conn_link);
	list_init(&u->conn_link);
	u->peer = NULL;
}

void unix_wake_senders(struct unix_sock *u)
{
	struct unix_sock *c;

	list_for_each_entry(c, &u->conn_list, conn_link) wake_up(&c->wq);
}

/* The socket is gone: its name, queue and connections go too. embryo:
 * an unaccepted connection of a closing listener. */
static void unix_release_sock(struct unix_sock *u, bool embryo)
{
	struct unix_sock *peer, *e, *tmp;
	struct path path;
	LIST_HEAD(skbs);
	LIST_HEAD(embryos);

	mutex_lock(&unix_mutex);
	u->sock = NULL;
	u->dead = true;
	u->state = US_CLOSE;
	u->shutdown = SHUTDOWN_MASK;
	list_del(&u->bound_link);
	list_init(&u->bound_link);
	list_del(&u->all_link);
	path = u->path;
	u->path = (struct path){ NULL, NULL };
	peer = u->peer;
	if (peer) {
		if (u->type != SOCK_DGRAM) {
			peer->shutdown = SHUTDOWN_MASK;
			if (!list_empty(&u->rxq) || embryo)
				peer->err = ECONNRESET;
		}
		drop_peer_locked(u);
		wake_up(&peer->wq);
	}
	unix_wake_senders(u);
	unix_rxq_drain(u, &skbs);
	list_for_each_entry_safe(e, tmp, &u->acceptq, accept_link)
	{
		list_del(&e->accept_link);
		list_add_tail(&e->accept_link, &embryos);
	}
	u->accept_len = 0;
	mutex_unlock(&unix_mutex);
	wake_up(&u->wq);
	unix_skb_free_list(&skbs);
	list_for_each_entry_safe(e, tmp, &embryos, accept_link)
	{
		list_del(&e->accept_link);
		unix_release_sock(e, true);
	}
	path_put(&path);
	unix_sock_put(peer);
	unix_sock_put(u);
}

void unix_release(struct socket *s)
{
	struct unix_sock *u = unix_sk(s);

	s->sk = NULL;
	unix_release_sock(u, false);
}

/* ---- names ---- */

int unix_validate_addr(const void *addr, int len)
{
	const struct linux_sockaddr_un *sun = addr;

	if (len <= (int)offsetof(struct linux_sockaddr_un, sun_path) ||
	    len > (int)sizeof(*sun))
		return -EINVAL;
	return sun->sun_family == AF_UNIX ? 0 : -EINVAL;
}

/* A path name's length as Linux's unix_mkname_bsd counts it; the name is
 * NUL-terminated in place (addr has room past len). */
static int mkname_path(char *addr, int len)
{
	struct linux_sockaddr_un *sun = (void *)addr;

	addr[len] = 0;
	return (int)(strlen(sun->sun_path) +
		     offsetof(struct linux_sockaddr_un, sun_path) + 1);
}

static struct unix_addr *addr_new(const void *addr, int len)
{
	struct unix_addr *a = kzalloc(sizeof(*a));

	if (!a)
		return NULL;
	a->refcount = 1;
	a->len = len;
	memcpy(&a->sun, addr, (size_t)len);
	return a;
}

static bool abstract_equal(const struct unix_addr *a, const void *addr, int len)
{
	return a->sun.sun_path[0] == 0 && a->len == len &&
	       !memcmp(&a->sun, addr, (size_t)len);
}

/* The socket of type bound to the abstract name, or NULL; unix_mutex
 * held. Linux hashes abstract names with the type: each type has its
 * own namespace. */
static struct unix_sock *find_abstract(const void *addr, int len, int type)
{
	struct unix_sock *u;

	list_for_each_entry(u, &unix_bound,
			    bound_link) if (u->type == type && u->addr &&
					    abstract_equal(u->addr, addr,
							   len)) return u;
	return NULL;
}

static struct unix_sock *find_inode(struct inode *inode)
{
	struct unix_sock *u;

	list_for_each_entry(u, &unix_bound,
			    bound_link) if (u->path.dentry &&
					    u->path.dentry->inode ==
						    inode) return u;
	return NULL;
}

int unix_autobind_locked(struct unix_sock *u)
{
	struct linux_sockaddr_un sun = { AF_UNIX, { 0 } };
	int len = offsetof(struct linux_sockaddr_un, sun_path) + 6;

	if (u->addr)
		return 0;
	for (unsigned tries = 0; tries <= 0xfffff; tries++) {
		ksnprintf(sun.sun_path + 1, 6, "%05x",
			  autobind_next++ & 0xfffff);
		if (!find_abstract(&sun, len, u->type))
			break;
	}
	u->addr = addr_new(&sun, len);
	if (!u->addr)
		return -ENOMEM;
	list_add_tail(&u->bound_link, &unix_bound);
	return 0;
}

static int bind_abstract(struct unix_sock *u, const void *addr, int len)
{
	struct unix_addr *a = addr_new(addr, len);
	int err = 0;

	if (!a)
		return -ENOMEM;
	mutex_lock(&unix_mutex);
	if (u->addr)
		err = -EINVAL;
	else if (find_abstract(addr, len, u->type))
		err = -EADDRINUSE;
	if (!err) {
		u->addr = a;
		list_add_tail(&u->bound_link, &unix_bound);
	}
	mutex_unlock(&unix_mutex);
	if (err)
		kfree(a);
	return err;
}

static int bind_path(struct unix_sock *u, char *addr, int len)
{
	struct linux_sockaddr_un *sun = (void *)addr;
	struct unix_addr *a;
	struct path p;
	int err;

	len = mkname_path(addr, len);
	if (READ_ONCE(u->addr))
		return -EINVAL;
	a = addr_new(addr, len);
	if (!a)
		return -ENOMEM;
	err = vfs_bind_socket(sun->sun_path, 0777, &p);
	if (err) {
		kfree(a);
		return err == -EEXIST ? -EADDRINUSE : err;
	}
	mutex_lock(&unix_mutex);
	if (u->addr) {
		err = -EINVAL;
	} else {
		u->addr = a;
		u->path = p;
		list_add_tail(&u->bound_link, &unix_bound);
	}
	mutex_unlock(&unix_mutex);
	if (err) {
		path_put(&p);
		kfree(a);
	}
	return err;
}

int unix_bind(struct socket *s, const void *uaddr, int len)
{
	struct unix_sock *u = unix_sk(s);
	char addr[SOCKADDR_STORAGE_SIZE + 1];
	int err;

	if (len < (int)sizeof(uint16_t))
		return -EINVAL;
	memcpy(addr, uaddr, (size_t)len);
	if (len == (int)offsetof(struct linux_sockaddr_un, sun_path) &&
	    ((struct linux_sockaddr_un *)addr)->sun_family == AF_UNIX) {
		mutex_lock(&unix_mutex);
		err = unix_autobind_locked(u); /* 0 if bound already */
		mutex_unlock(&unix_mutex);
		return err;
	}
	err = unix_validate_addr(addr, len);
	if (err)
		return err;
	if (addr[offsetof(struct linux_sockaddr_un, sun_path)])
		return bind_path(u, addr, len);
	return bind_abstract(u, addr, len);
}

static struct unix_sock *find_path(char *addr, int len, int type)
{
	struct linux_sockaddr_un *sun = (void *)addr;
	struct unix_sock *u;
	struct path p;
	int err;

	mkname_path(addr, len);
	err = path_lookup_at(AT_FDCWD, sun->sun_path, LOOKUP_FOLLOW, &p);
	if (err)
		return ERR_PTR(err);
	err = inode_permission(p.dentry->inode, MAY_WRITE);
	if (err) {
		path_put(&p);
		return ERR_PTR(err);
	}
	mutex_lock(&unix_mutex);
	u = S_ISSOCK(p.dentry->inode->mode) ? find_inode(p.dentry->inode) :
					      NULL;
	if (!u)
		u = ERR_PTR(-ECONNREFUSED);
	else if (u->type != type)
		u = ERR_PTR(-EPROTOTYPE);
	else
		unix_sock_get(u);
	mutex_unlock(&unix_mutex);
	path_put(&p);
	return u;
}

struct unix_sock *unix_find(const struct linux_sockaddr_un *sun, int len,
			    int type)
{
	char addr[SOCKADDR_STORAGE_SIZE + 1];
	struct unix_sock *u;

	memcpy(addr, sun, (size_t)len);
	if (sun->sun_path[0])
		return find_path(addr, len, type);
	mutex_lock(&unix_mutex);
	u = find_abstract(addr, len, type);
	if (!u)
		u = ERR_PTR(-ECONNREFUSED);
	else
		unix_sock_get(u);
	mutex_unlock(&unix_mutex);
	return u;
}

int unix_getname(struct socket *s, void *addr, bool peer)
{
	struct unix_sock *u = unix_sk(s);
	struct unix_addr *a;
	int len = sizeof(uint16_t);

	mutex_lock(&unix_mutex);
	if (peer && !u->peer) {
		mutex_unlock(&unix_mutex);
		return -ENOTCONN;
	}
	a = peer ? u->peer->addr : u->addr;
	*(uint16_t *)addr = AF_UNIX;
	if (a) {
		memcpy(addr, &a->sun, (size_t)a->len);
		len = a->len;
	}
	mutex_unlock(&unix_mutex);
	return len;
}

/* ---- connections ---- */

/* Links a and b as each other's peers with each other's credentials;
 * unix_mutex held. Takes a reference for each link. */
static void link_pair(struct unix_sock *a, struct unix_sock *b)
{
	unix_sock_get(b);
	a->peer = b;
	unix_sock_get(a);
	b->peer = a;
	a->state = b->state = US_ESTABLISHED;
}

int unix_socketpair(struct socket *a, struct socket *b)
{
	struct linux_ucred c = unix_current_cred(true);

	mutex_lock(&unix_mutex);
	link_pair(unix_sk(a), unix_sk(b));
	unix_sk(a)->peercred = unix_sk(b)->peercred = c;
	mutex_unlock(&unix_mutex);
	return 0;
}

/* Queues a new embryo for u on listener l; unix_mutex held. */
static void queue_embryo(struct unix_sock *u, struct unix_sock *l,
			 struct unix_sock *e)
{
	link_pair(u, e);
	e->peercred = unix_current_cred(true);
	u->peercred = l->peercred;
	e->passcred = l->passcred;
	e->sndbuf = l->sndbuf;
	if (l->addr) {
		e->addr = l->addr;
		__atomic_add_fetch(&e->addr->refcount, 1, __ATOMIC_RELAXED);
	}
	list_add_tail(&e->accept_link, &l->acceptq);
	l->accept_len++;
}

/* One try at connecting u to listener l: 0, -EAGAIN when its backlog
 * is full, or another -errno. */
static int try_connect(struct unix_sock *u, struct unix_sock *l,
		       struct unix_sock *e)
{
	int err = 0;

	mutex_lock(&unix_mutex);
	if (l->dead || l->state != US_LISTEN || (l->shutdown & RCV_SHUTDOWN))
		err = -ECONNREFUSED;
	else if (l->accept_len > (unsigned)l->backlog)
		err = -EAGAIN;
	else if (u->state == US_ESTABLISHED)
		err = -EISCONN;
	else if (u->state != US_CLOSE)
		err = -EINVAL;
	else
		queue_embryo(u, l, e);
	mutex_unlock(&unix_mutex);
	if (!err) {
		wake_up(&l->wq);
		wake_up(&u->wq);
	}
	return err;
}

static bool backlog_room(struct unix_sock *l)
{
	return READ_ONCE(l->dead) || READ_ONCE(l->state) != US_LISTEN ||
	       READ_ONCE(l->accept_len) <= (unsigned)READ_ONCE(l->backlog);
}

static int stream_connect(struct socket *s, const void *addr, int len,
			  bool nonblock)
{
	struct unix_sock *u = unix_sk(s), *l, *e;
	uint64_t deadline = sock_deadline(s->sndtimeo_ns);
	int err = unix_validate_addr(addr, len);

	if (err)
		return err;
	if (s->passcred) {
		mutex_lock(&unix_mutex);
		err = unix_autobind_locked(u);
		mutex_unlock(&unix_mutex);
		if (err)
			return err;
	}
	e = unix_alloc(u->type);
	if (!e)
		return -ENOMEM;
	for (;;) {
		l = unix_find(addr, len, u->type);
		if (IS_ERR(l)) {
			err = PTR_ERR(l);
			break;
		}
		err = try_connect(u, l, e);
		if (err != -EAGAIN || nonblock) {
			unix_sock_put(l);
			break;
		}
		err = wait_event_interruptible_deadline(&l->wq, backlog_room(l),
							deadline);
		unix_sock_put(l);
		if (err) {
			err = sock_wait_errno(err, s->sndtimeo_ns);
			break;
		}
	}
	if (err) {
		mutex_lock(&unix_mutex);
		list_del(&e->all_link);
		mutex_unlock(&unix_mutex);
		unix_sock_put(e);
	}
	return err;
}

static int dgram_connect(struct socket *s, const void *addr, int len)
{
	const struct linux_sockaddr_un *sun = addr;
	struct unix_sock *u = unix_sk(s), *other = NULL, *old;
	int err = 0;

	if (len < (int)sizeof(uint16_t))
		return -EINVAL;
	if (sun->sun_family != AF_UNSPEC) {
		err = unix_validate_addr(addr, len);
		if (err)
			return err;
		if (s->passcred) {
			mutex_lock(&unix_mutex);
			err = unix_autobind_locked(u);
			mutex_unlock(&unix_mutex);
			if (err)
				return err;
		}
		other = unix_find(sun, len, u->type);
		if (IS_ERR(other))
			return PTR_ERR(other);
	}
	mutex_lock(&unix_mutex);
	if (other && other->peer && other->peer != u) {
		mutex_unlock(&unix_mutex);
		unix_sock_put(other);
		return -EPERM;
	}
	old = u->peer;
	if (old)
		drop_peer_locked(u);
	u->peer = other; /* takes the lookup's reference */
	if (other)
		list_add_tail(&u->conn_link, &other->conn_list);
	u->state = other ? US_ESTABLISHED : US_CLOSE;
	mutex_unlock(&unix_mutex);
	unix_sock_put(old);
	wake_up(&u->wq);
	return 0;
}

int unix_connect(struct socket *s, const void *addr, int len, bool nonblock)
{
	if (s->type == SOCK_DGRAM)
		return dgram_connect(s, addr, len);
	return stream_connect(s, addr, len, nonblock);
}

int unix_listen(struct socket *s, int backlog)
{
	struct unix_sock *u = unix_sk(s);
	int err = 0;

	if (s->type != SOCK_STREAM && s->type != SOCK_SEQPACKET)
		return -EOPNOTSUPP;
	mutex_lock(&unix_mutex);
	if (!u->addr || (u->state != US_CLOSE && u->state != US_LISTEN)) {
		err = -EINVAL;
	} else {
		u->backlog = backlog;
		u->state = US_LISTEN;
		u->peercred = unix_current_cred(true);
	}
	mutex_unlock(&unix_mutex);
	wake_up(&u->wq);
	return err;
}

static bool accept_ready(struct unix_sock *u)
{
	return !list_empty(&u->acceptq) ||
	       (READ_ONCE(u->shutdown) & RCV_SHUTDOWN) ||
	       READ_ONCE(u->state) != US_LISTEN;
}

/* The next embryo of listener u, or ERR_PTR. */
static struct unix_sock *take_embryo(struct unix_sock *u)
{
	struct unix_sock *e = ERR_PTR(-EAGAIN);

	mutex_lock(&unix_mutex);
	if (u->state != US_LISTEN || (u->shutdown & RCV_SHUTDOWN)) {
		e = ERR_PTR(-EINVAL);
	} else if (!list_empty(&u->acceptq)) {
		e = list_first_entry(&u->acceptq, struct unix_sock,
				     accept_link);
		list_del(&e->accept_link);
		list_init(&e->accept_link);
		u->accept_len--;
	}
	mutex_unlock(&unix_mutex);
	return e;
}

int unix_accept(struct socket *s, struct socket *ns, bool nonblock)
{
	struct unix_sock *u = unix_sk(s), *e;
	uint64_t deadline = sock_deadline(s->rcvtimeo_ns);
	int err;

	if (s->type != SOCK_STREAM && s->type != SOCK_SEQPACKET)
		return -EOPNOTSUPP;
	if (READ_ONCE(u->state) != US_LISTEN)
		return -EINVAL;
	for (;;) {
		e = take_embryo(u);
		if (!IS_ERR(e) || PTR_ERR(e) != -EAGAIN || nonblock)
			break;
		err = wait_event_interruptible_deadline(&u->wq, accept_ready(u),
							deadline);
		if (err)
			return sock_wait_errno(err, s->rcvtimeo_ns);
	}
	if (IS_ERR(e))
		return PTR_ERR(e);
	wake_up(&u->wq); /* a connector may wait for backlog room */
	mutex_lock(&unix_mutex);
	attach(ns, e);
	ns->passcred = s->passcred;
	mutex_unlock(&unix_mutex);
	return 0;
}

int unix_shutdown(struct socket *s, int how)
{
	struct unix_sock *u = unix_sk(s), *peer;
	int mode = (how + 1) & SHUTDOWN_MASK, peer_mode = 0;

	mutex_lock(&unix_mutex);
	u->shutdown |= mode;
	peer = u->peer;
	if (peer && u->type != SOCK_DGRAM) {
		if (mode & RCV_SHUTDOWN)
			peer_mode |= SEND_SHUTDOWN;
		if (mode & SEND_SHUTDOWN)
			peer_mode |= RCV_SHUTDOWN;
		peer->shutdown |= peer_mode;
		wake_up(&peer->wq);
	}
	mutex_unlock(&unix_mutex);
	wake_up(&u->wq);
	return 0;
}
