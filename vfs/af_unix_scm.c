/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX ancillary data (unix(7), cmsg(3)): SCM_RIGHTS passes open
 * files, SCM_CREDENTIALS the sender's pid/uid/gid, checked and delivered
 * as Linux's net/core/scm.c does.
 */
#include "mm/mm.h"
#include "vfs/af_unix.h"

void unix_scm_destroy(struct unix_scm *scm)
{
	for (int i = 0; i < scm->nfds; i++)
		file_put(scm->fds[i]);
	kfree(scm->fds);
	scm->fds = NULL;
	scm->nfds = 0;
}

/* SCM_RIGHTS: references the n fds at data. */
static int scm_rights(struct unix_scm *scm, const char *data, int n)
{
	struct file **fds;

	if (n <= 0)
		return 0;
	if (scm->nfds + n > SCM_MAX_FD)
		return -EINVAL;
	fds = kmalloc((size_t)(scm->nfds + n) * sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	if (scm->nfds)
		memcpy(fds, scm->fds, scm->nfds * sizeof(*fds));
	kfree(scm->fds);
	scm->fds = fds;
	for (int i = 0; i < n; i++) {
		int fd;

		memcpy(&fd, data + i * sizeof(int), sizeof(fd));
		fds[scm->nfds] = fd_get(fd);
		if (!fds[scm->nfds])
			return -EBADF;
		scm->nfds++;
	}
	return 0;
}

/* SCM_CREDENTIALS: who a process may claim to be (Linux's
 * scm_check_creds): itself, unless privileged. */
static int scm_creds(struct unix_scm *scm, const void *data)
{
	const struct cred *c = &current->proc->cred;
	struct linux_ucred uc;
	bool exists, irq;

	memcpy(&uc, data, sizeof(uc));
	if (uc.uid == (uint32_t)-1 || uc.gid == (uint32_t)-1)
		return -EINVAL;
	if (!capable() &&
	    (uc.pid != current->proc->pid ||
	     (uc.uid != c->uid && uc.uid != c->euid && uc.uid != c->suid) ||
	     (uc.gid != c->gid && uc.gid != c->egid && uc.gid != c->sgid)))
		return -EPERM;
	irq = spin_lock_irqsave(&tasklist_lock);
	exists = process_by_pid(uc.pid) != NULL;
	spin_unlock_irqrestore(&tasklist_lock, irq);
	if (!exists)
		return -ESRCH;
	scm->cred = uc;
	return 0;
}

/* One control message of len bytes (header included). */
static int scm_one(struct unix_scm *scm, const struct linux_cmsghdr *h,
		   const char *data)
{
	size_t n = h->cmsg_len - sizeof(*h);

	if (h->cmsg_level != SOL_SOCKET)
		return 0;
	switch (h->cmsg_type) {
	case SCM_RIGHTS:
		return scm_rights(scm, data, (int)(n / sizeof(int)));
	case SCM_CREDENTIALS:
		if (h->cmsg_len != CMSG_LEN_K(sizeof(struct linux_ucred)))
			return -EINVAL;
		return scm_creds(scm, data);
	}
	return -EINVAL;
}

int unix_scm_send(struct sock_msg *m, struct unix_scm *scm)
{
	const char *ctl = m->ctl;
	size_t off = 0;
	int err = 0;

	memset(scm, 0, sizeof(*scm));
	scm->cred = unix_current_cred(false);
	/* Walk as CMSG_FIRSTHDR/CMSG_NXTHDR do (cmsg(3)). */
	while (!err && m->ctl_len - off >= sizeof(struct linux_cmsghdr)) {
		struct linux_cmsghdr h;

		memcpy(&h, ctl + off, sizeof(h));
		if (h.cmsg_len < sizeof(h) || h.cmsg_len > m->ctl_len - off)
			err = -EINVAL;
		else
			err = scm_one(scm, &h, ctl + off + sizeof(h));
		off += CMSG_ALIGN_8(h.cmsg_len);
		if (off > m->ctl_len)
			break;
	}
	if (err)
		unix_scm_destroy(scm);
	return err;
}

/* Installs as many fds as the control buffer holds (Linux's
 * scm_detach_fds); the rest are dropped with MSG_CTRUNC. */
static int detach_fds(struct sock_msg *m, struct unix_scm *scm)
{
	struct linux_cmsghdr h = { 0, SOL_SOCKET, SCM_RIGHTS };
	int fdmax = 0, n = 0, err = 0;
	int fds[SCM_MAX_FD];
	size_t cmlen;

	if (m->uctl && m->uctl_len > sizeof(h))
		fdmax = (int)((m->uctl_len - sizeof(h)) / sizeof(int));
	fdmax = MIN(fdmax, scm->nfds);
	for (; n < fdmax; n++) {
		int flags = (m->flags & MSG_CMSG_CLOEXEC) ? O_CLOEXEC : 0;
		int fd = fd_install(file_get(scm->fds[n]), flags);

		if (fd < 0) {
			file_put(scm->fds[n]);
			break;
		}
		fds[n] = fd;
	}
	if (n > 0) {
		h.cmsg_len = CMSG_LEN_K(n * sizeof(int));
		if (copy_to_user(m->uctl, &h, sizeof(h)) ||
		    copy_to_user(m->uctl + sizeof(h), fds, n * sizeof(int)))
			err = -EFAULT;
		cmlen = MIN(CMSG_SPACE_K(n * sizeof(int)), m->uctl_len);
		m->uctl += cmlen;
		m->uctl_len -= cmlen;
	}
	if (n < scm->nfds)
		m->out_flags |= MSG_CTRUNC;
	return err;
}

int unix_scm_recv(struct sock_msg *m, struct unix_scm *scm, bool passcred)
{
	int err = 0;

	if (passcred)
		err = sock_put_cmsg(m, SOL_SOCKET, SCM_CREDENTIALS, &scm->cred,
				    sizeof(scm->cred));
	if (!err && scm->nfds)
		err = detach_fds(m, scm);
	unix_scm_destroy(scm);
	return err;
}
