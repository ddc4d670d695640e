/* SPDX-License-Identifier: MIT */
/* Sockets' Linux ABI: address families, types, flags, msghdr, cmsghdr,
 * ucred, sockaddr_un and the SOL_SOCKET options (x86-64 values). */
#ifndef STRIX_UAPI_SOCKET_H
#define STRIX_UAPI_SOCKET_H

#include <stddef.h>
#include <stdint.h>

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_MAX 46 /* Linux's NPROTO */

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5
#define SOCK_DCCP 6
#define SOCK_PACKET 10
#define SOCK_MAX 11
#define SOCK_TYPE_MASK 0xf
#define SOCK_CLOEXEC 02000000  /* O_CLOEXEC */
#define SOCK_NONBLOCK 00004000 /* O_NONBLOCK */

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SOL_SOCKET 1
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_PRIORITY 12
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO_OLD 20
#define SO_SNDTIMEO_OLD 21
#define SO_ACCEPTCONN 30
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67

#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253

#define SOMAXCONN 4096

/* struct sockaddr_un (linux/un.h). */
#define UNIX_PATH_MAX 108
struct linux_sockaddr_un {
	uint16_t sun_family;
	char sun_path[UNIX_PATH_MAX];
};
_Static_assert(sizeof(struct linux_sockaddr_un) == 110, "sockaddr_un");

/* struct sockaddr_storage: the largest address a syscall copies in. */
#define SOCKADDR_STORAGE_SIZE 128

/* struct user_msghdr (linux/socket.h). */
struct linux_msghdr {
	uint64_t msg_name;
	int32_t msg_namelen;
	uint32_t pad0;
	uint64_t msg_iov;
	uint64_t msg_iovlen;
	uint64_t msg_control;
	uint64_t msg_controllen;
	uint32_t msg_flags;
	uint32_t pad1;
};
_Static_assert(sizeof(struct linux_msghdr) == 56, "msghdr");
_Static_assert(offsetof(struct linux_msghdr, msg_flags) == 48, "msg_flags");

/* struct mmsghdr for sendmmsg/recvmmsg. */
struct linux_mmsghdr {
	struct linux_msghdr msg_hdr;
	uint32_t msg_len;
	uint32_t pad;
};
_Static_assert(sizeof(struct linux_mmsghdr) == 64, "mmsghdr");

struct linux_cmsghdr {
	uint64_t cmsg_len;
	int32_t cmsg_level;
	int32_t cmsg_type;
};
_Static_assert(sizeof(struct linux_cmsghdr) == 16, "cmsghdr");

#define CMSG_ALIGN_8(len) (((len) + 7) & ~(uint64_t)7)
#define CMSG_LEN_K(len) (sizeof(struct linux_cmsghdr) + (len))
#define CMSG_SPACE_K(len) (sizeof(struct linux_cmsghdr) + CMSG_ALIGN_8(len))

struct linux_ucred {
	int32_t pid;
	uint32_t uid;
	uint32_t gid;
};
_Static_assert(sizeof(struct linux_ucred) == 12, "ucred");

/* struct linger */
struct linux_linger {
	int32_t l_onoff;
	int32_t l_linger;
};
_Static_assert(sizeof(struct linux_linger) == 8, "linger");

#define SIOCINQ 0x541B	/* FIONREAD */
#define SIOCOUTQ 0x5411 /* TIOCOUTQ */

#endif
