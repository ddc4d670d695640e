/* SPDX-License-Identifier: MIT */
/* x86-64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl),
 * taken from Linux 6.1's asm/unistd_64.h. */
#ifndef STRIX_UAPI_UNISTD_H
#define STRIX_UAPI_UNISTD_H

#define __NR_read 0
#define __NR_write 1
#define __NR_open 2
#define __NR_close 3
#define __NR_stat 4
#define __NR_fstat 5
#define __NR_lstat 6
#define __NR_poll 7
#define __NR_lseek 8
#define __NR_mmap 9
#define __NR_mprotect 10
#define __NR_munmap 11
#define __NR_brk 12
#define __NR_rt_sigaction 13
#define __NR_rt_sigprocmask 14
#define __NR_rt_sigreturn 15
#define __NR_ioctl 16
#define __NR_pread64 17
#define __NR_pwrite64 18
#define __NR_readv 19
#define __NR_writev 20
#define __NR_access 21
#define __NR_pipe 22
#define __NR_select 23
#define __NR_sched_yield 24
#define __NR_mremap 25
#define __NR_msync 26
#define __NR_mincore 27
#define __NR_madvise 28
#define __NR_shmget 29
#define __NR_shmat 30
#define __NR_shmctl 31
#define __NR_dup 32
#define __NR_dup2 33
#define __NR_pause 34
#define __NR_nanosleep 35
#define __NR_getitimer 36
#define __NR_alarm 37
#define __NR_setitimer 38
#define __NR_getpid 39
#define __NR_sendfile 40
#define __NR_socket 41
#define __NR_connect 42
#define __NR_accept 43
#define __NR_sendto 44
#define __NR_recvfrom 45
#define __NR_sendmsg 46
#define __NR_recvmsg 47
#define __NR_shutdown 48
#define __NR_bind 49
#define __NR_listen 50
#define __NR_getsockname 51
#define __NR_getpeername 52
#define __NR_socketpair 53
#define __NR_setsockopt 54
#define __NR_getsockopt 55
#define __NR_clone 56
#define __NR_fork 57
#define __NR_vfork 58
#define __NR_execve 59
#define __NR_exit 60
#define __NR_wait4 61
#define __NR_kill 62
#define __NR_uname 63
#define __NR_semget 64
#define __NR_semop 65
#define __NR_semctl 66
#define __NR_shmdt 67
#define __NR_msgget 68
#define __NR_msgsnd 69
#define __NR_msgrcv 70
#define __NR_msgctl 71
#define __NR_fcntl 72
#define __NR_flock 73
#define __NR_fsync 74
#define __NR_fdatasync 75
#define __NR_truncate 76
#define __NR_ftruncate 77
#define __NR_getdents 78
#define __NR_getcwd 79
#define __NR_chdir 80
#define __NR_fchdir 81
#define __NR_rename 82
#define __NR_mkdir 83
#define __NR_rmdir 84
#define __NR_creat 85
#define __NR_link 86
#define __NR_unlink 87
#define __NR_symlink 88
#define __NR_readlink 89
#define __NR_chmod 90
#define __NR_fchmod 91
#define __NR_chown 92
#define __NR_fchown 93
#define __NR_lchown 94
#define __NR_umask 95
#define __NR_gettimeofday 96
#define __NR_getrlimit 97
#define __NR_getrusage 98
#define __NR_sysinfo 99
#define __NR_times 100
#define __NR_ptrace 101
#define __NR_getuid 102
#define __NR_syslog 103
#define __NR_getgid 104
#define __NR_setuid 105
#define __NR_setgid 106
#define __NR_geteuid 107
#define __NR_getegid 108
#define __NR_setpgid 109
#define __NR_getppid 110
#define __NR_getpgrp 111
#define __NR_setsid 112
#define __NR_setreuid 113
#define __NR_setregid 114
#define __NR_getgroups 115
#define __NR_setgroups 116
#define __NR_setresuid 117
#define __NR_getresuid 118
#define __NR_setresgid 119
#define __NR_getresgid 120
#define __NR_getpgid 121
#define __NR_setfsuid 122
#define __NR_setfsgid 123
#define __NR_getsid 124
#define __NR_capget 125
#define __NR_capset 126
#define __NR_rt_sigpending 127
#define __NR_rt_sigtimedwait 128
#define __NR_rt_sigqueueinfo 129
#define __NR_rt_sigsuspend 130
#define __NR_sigaltstack 131
#define __NR_utime 132
#define __NR_mknod 133
#define __NR_uselib 134
#define __NR_personality 135
#define __NR_ustat 136
#define __NR_statfs 137
#define __NR_fstatfs 138
#define __NR_sysfs 139
#define __NR_getpriority 140
#define __NR_setpriority 141
#define __NR_sched_setparam 142
#define __NR_sched_getparam 143
#define __NR_sched_setscheduler 144
#define __NR_sched_getscheduler 145
#define __NR_sched_get_priority_max 146
#define __NR_sched_get_priority_min 147
#define __NR_sched_rr_get_interval 148
#define __NR_mlock 149
#define __NR_munlock 150
#define __NR_mlockall 151
#define __NR_munlockall 152
#define __NR_vhangup 153
#define __NR_modify_ldt 154
#define __NR_pivot_root 155
#define __NR__sysctl 156
#define __NR_prctl 157
#define __NR_arch_prctl 158
#define __NR_adjtimex 159
#define __NR_setrlimit 160
#define __NR_chroot 161
#define __NR_sync 162
#define __NR_acct 163
#define __NR_settimeofday 164
#define __NR_mount 165
#define __NR_umount2 166
#define __NR_swapon 167
#define __NR_swapoff 168
#define __NR_reboot 169
#define __NR_sethostname 170
#define __NR_setdomainname 171
#define __NR_iopl 172
#define __NR_ioperm 173
#define __NR_create_module 174
#define __NR_init_module 175
#define __NR_delete_module 176
#define __NR_get_kernel_syms 177
#define __NR_query_module 178
#define __NR_quotactl 179
#define __NR_nfsservctl 180
#define __NR_getpmsg 181
#define __NR_putpmsg 182
#define __NR_afs_syscall 183
#define __NR_tuxcall 184
#define __NR_security 185
#define __NR_gettid 186
#define __NR_readahead 187
#define __NR_setxattr 188
#define __NR_lsetxattr 189
#define __NR_fsetxattr 190
#define __NR_getxattr 191
#define __NR_lgetxattr 192
#define __NR_fgetxattr 193
#define __NR_listxattr 194
#define __NR_llistxattr 195
#define __NR_flistxattr 196
#define __NR_removexattr 197
#define __NR_lremovexattr 198
#define __NR_fremovexattr 199
#define __NR_tkill 200
#define __NR_time 201
#define __NR_futex 202
#define __NR_sched_setaffinity 203
#define __NR_sched_getaffinity 204
#define __NR_set_thread_area 205
#define __NR_io_setup 206
#define __NR_io_destroy 207
#define __NR_io_getevents 208
#define __NR_io_submit 209
#define __NR_io_cancel 210
#define __NR_get_thread_area 211
#define __NR_lookup_dcookie 212
#define __NR_epoll_create 213
#define __NR_epoll_ctl_old 214
#define __NR_epoll_wait_old 215
#define __NR_remap_file_pages 216
#define __NR_getdents64 217
#define __NR_set_tid_address 218
#define __NR_restart_syscall 219
#define __NR_semtimedop 220
#define __NR_fadvise64 221
#define __NR_timer_create 222
#define __NR_timer_settime 223
#define __NR_timer_gettime 224
#define __NR_timer_getoverrun 225
#define __NR_timer_delete 226
#define __NR_clock_settime 227
#define __NR_clock_gettime 228
#define __NR_clock_getres 229
#define __NR_clock_nanosleep 230
#define __NR_exit_group 231
#define __NR_epoll_wait 232
#define __NR_epoll_ctl 233
#define __NR_tgkill 234
#define __NR_utimes 235
#define __NR_vserver 236
#define __NR_mbind 237
#define __NR_set_mempolicy 238
#define __NR_get_mempolicy 239
#define __NR_mq_open 240
#define __NR_mq_unlink 241
#define __NR_mq_timedsend 242
#define __NR_mq_timedreceive 243
#define __NR_mq_notify 244
#define __NR_mq_getsetattr 245
#define __NR_kexec_load 246
#define __NR_waitid 247
#define __NR_add_key 248
#define __NR_request_key 249
#define __NR_keyctl 250
#define __NR_ioprio_set 251
#define __NR_ioprio_get 252
#define __NR_inotify_init 253
#define __NR_inotify_add_watch 254
#define __NR_inotify_rm_watch 255
#define __NR_migrate_pages 256
#define __NR_openat 257
#define __NR_mkdirat 258
#define __NR_mknodat 259
#define __NR_fchownat 260
#define __NR_futimesat 261
#define __NR_newfstatat 262
#define __NR_unlinkat 263
#define __NR_renameat 264
#define __NR_linkat 265
#define __NR_symlinkat 266
#define __NR_readlinkat 267
#define __NR_fchmodat 268
#define __NR_faccessat 269
#define __NR_pselect6 270
#define __NR_ppoll 271
#define __NR_unshare 272
#define __NR_set_robust_list 273
#define __NR_get_robust_list 274
#define __NR_splice 275
#define __NR_tee 276
#define __NR_sync_file_range 277
#define __NR_vmsplice 278
#define __NR_move_pages 279
#define __NR_utimensat 280
#define __NR_epoll_pwait 281
#define __NR_signalfd 282
#define __NR_timerfd_create 283
#define __NR_eventfd 284
#define __NR_fallocate 285
#define __NR_timerfd_settime 286
#define __NR_timerfd_gettime 287
#define __NR_accept4 288
#define __NR_signalfd4 289
#define __NR_eventfd2 290
#define __NR_epoll_create1 291
#define __NR_dup3 292
#define __NR_pipe2 293
#define __NR_inotify_init1 294
#define __NR_preadv 295
#define __NR_pwritev 296
#define __NR_rt_tgsigqueueinfo 297
#define __NR_perf_event_open 298
#define __NR_recvmmsg 299
#define __NR_fanotify_init 300
#define __NR_fanotify_mark 301
#define __NR_prlimit64 302
#define __NR_name_to_handle_at 303
#define __NR_open_by_handle_at 304
#define __NR_clock_adjtime 305
#define __NR_syncfs 306
#define __NR_sendmmsg 307
#define __NR_setns 308
#define __NR_getcpu 309
#define __NR_process_vm_readv 310
#define __NR_process_vm_writev 311
#define __NR_kcmp 312
#define __NR_finit_module 313
#define __NR_sched_setattr 314
#define __NR_sched_getattr 315
#define __NR_renameat2 316
#define __NR_seccomp 317
#define __NR_getrandom 318
#define __NR_memfd_create 319
#define __NR_kexec_file_load 320
#define __NR_bpf 321
#define __NR_execveat 322
#define __NR_userfaultfd 323
#define __NR_membarrier 324
#define __NR_mlock2 325
#define __NR_copy_file_range 326
#define __NR_preadv2 327
#define __NR_pwritev2 328
#define __NR_pkey_mprotect 329
#define __NR_pkey_alloc 330
#define __NR_pkey_free 331
#define __NR_statx 332
#define __NR_io_pgetevents 333
#define __NR_rseq 334
#define __NR_pidfd_send_signal 424
#define __NR_io_uring_setup 425
#define __NR_io_uring_enter 426
#define __NR_io_uring_register 427
#define __NR_open_tree 428
#define __NR_move_mount 429
#define __NR_fsopen 430
#define __NR_fsconfig 431
#define __NR_fsmount 432
#define __NR_fspick 433
#define __NR_pidfd_open 434
#define __NR_clone3 435
#define __NR_close_range 436
#define __NR_openat2 437
#define __NR_pidfd_getfd 438
#define __NR_faccessat2 439
#define __NR_process_madvise 440
#define __NR_epoll_pwait2 441
#define __NR_mount_setattr 442
#define __NR_quotactl_fd 443
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#define __NR_memfd_secret 447
#define __NR_process_mrelease 448
#define __NR_futex_waitv 449
#define __NR_set_mempolicy_home_node 450

#define NR_SYSCALLS 451

/* For the log: SYSCALL_NAME(nr, name) for every number above. */
#define SYSCALL_NAMES(X) \
	X(0, read)\
	X(1, write)\
	X(2, open)\
	X(3, close)\
	X(4, stat)\
	X(5, fstat)\
	X(6, lstat)\
	X(7, poll)\
	X(8, lseek)\
	X(9, mmap)\
	X(10, mprotect)\
	X(11, munmap)\
	X(12, brk)\
	X(13, rt_sigaction)\
	X(14, rt_sigprocmask)\
	X(15, rt_sigreturn)\
	X(16, ioctl)\
	X(17, pread64)\
	X(18, pwrite64)\
	X(19, readv)\
	X(20, writev)\
	X(21, access)\
	X(22, pipe)\
	X(23, select)\
	X(24, sched_yield)\
	X(25, mremap)\
	X(26, msync)\
	X(27, mincore)\
	X(28, madvise)\
	X(29, shmget)\
	X(30, shmat)\
	X(31, shmctl)\
	X(32, dup)\
	X(33, dup2)\
	X(34, pause)\
	X(35, nanosleep)\
	X(36, getitimer)\
	X(37, alarm)\
	X(38, setitimer)\
	X(39, getpid)\
	X(40, sendfile)\
	X(41, socket)\
	X(42, connect)\
	X(43, accept)\
	X(44, sendto)\
	X(45, recvfrom)\
	X(46, sendmsg)\
	X(47, recvmsg)\
	X(48, shutdown)\
	X(49, bind)\
	X(50, listen)\
	X(51, getsockname)\
	X(52, getpeername)\
	X(53, socketpair)\
	X(54, setsockopt)\
	X(55, getsockopt)\
	X(56, clone)\
	X(57, fork)\
	X(58, vfork)\
	X(59, execve)\
	X(60, exit)\
	X(61, wait4)\
	X(62, kill)\
	X(63, uname)\
	X(64, semget)\
	X(65, semop)\
	X(66, semctl)\
	X(67, shmdt)\
	X(68, msgget)\
	X(69, msgsnd)\
	X(70, msgrcv)\
	X(71, msgctl)\
	X(72, fcntl)\
	X(73, flock)\
	X(74, fsync)\
	X(75, fdatasync)\
	X(76, truncate)\
	X(77, ftruncate)\
	X(78, getdents)\
	X(79, getcwd)\
	X(80, chdir)\
	X(81, fchdir)\
	X(82, rename)\
	X(83, mkdir)\
	X(84, rmdir)\
	X(85, creat)\
	X(86, link)\
	X(87, unlink)\
	X(88, symlink)\
	X(89, readlink)\
	X(90, chmod)\
	X(91, fchmod)\
	X(92, chown)\
	X(93, fchown)\
	X(94, lchown)\
	X(95, umask)\
	X(96, gettimeofday)\
	X(97, getrlimit)\
	X(98, getrusage)\
	X(99, sysinfo)\
	X(100, times)\
	X(101, ptrace)\
	X(102, getuid)\
	X(103, syslog)\
	X(104, getgid)\
	X(105, setuid)\
	X(106, setgid)\
	X(107, geteuid)\
	X(108, getegid)\
	X(109, setpgid)\
	X(110, getppid)\
	X(111, getpgrp)\
	X(112, setsid)\
	X(113, setreuid)\
	X(114, setregid)\
	X(115, getgroups)\
	X(116, setgroups)\
	X(117, setresuid)\
	X(118, getresuid)\
	X(119, setresgid)\
	X(120, getresgid)\
	X(121, getpgid)\
	X(122, setfsuid)\
	X(123, setfsgid)\
	X(124, getsid)\
	X(125, capget)\
	X(126, capset)\
	X(127, rt_sigpending)\
	X(128, rt_sigtimedwait)\
	X(129, rt_sigqueueinfo)\
	X(130, rt_sigsuspend)\
	X(131, sigaltstack)\
	X(132, utime)\
	X(133, mknod)\
	X(134, uselib)\
	X(135, personality)\
	X(136, ustat)\
	X(137, statfs)\
	X(138, fstatfs)\
	X(139, sysfs)\
	X(140, getpriority)\
	X(141, setpriority)\
	X(142, sched_setparam)\
	X(143, sched_getparam)\
	X(144, sched_setscheduler)\
	X(145, sched_getscheduler)\
	X(146, sched_get_priority_max)\
	X(147, sched_get_priority_min)\
	X(148, sched_rr_get_interval)\
	X(149, mlock)\
	X(150, munlock)\
	X(151, mlockall)\
	X(152, munlockall)\
	X(153, vhangup)\
	X(154, modify_ldt)\
	X(155, pivot_root)\
	X(156, _sysctl)\
	X(157, prctl)\
	X(158, arch_prctl)\
	X(159, adjtimex)\
	X(160, setrlimit)\
	X(161, chroot)\
	X(162, sync)\
	X(163, acct)\
	X(164, settimeofday)\
	X(165, mount)\
	X(166, umount2)\
	X(167, swapon)\
	X(168, swapoff)\
	X(169, reboot)\
	X(170, sethostname)\
	X(171, setdomainname)\
	X(172, iopl)\
	X(173, ioperm)\
	X(174, create_module)\
	X(175, init_module)\
	X(176, delete_module)\
	X(177, get_kernel_syms)\
	X(178, query_module)\
	X(179, quotactl)\
	X(180, nfsservctl)\
	X(181, getpmsg)\
	X(182, putpmsg)\
	X(183, afs_syscall)\
	X(184, tuxcall)\
	X(185, security)\
	X(186, gettid)\
	X(187, readahead)\
	X(188, setxattr)\
	X(189, lsetxattr)\
	X(190, fsetxattr)\
	X(191, getxattr)\
	X(192, lgetxattr)\
	X(193, fgetxattr)\
	X(194, listxattr)\
	X(195, llistxattr)\
	X(196, flistxattr)\
	X(197, removexattr)\
	X(198, lremovexattr)\
	X(199, fremovexattr)\
	X(200, tkill)\
	X(201, time)\
	X(202, futex)\
	X(203, sched_setaffinity)\
	X(204, sched_getaffinity)\
	X(205, set_thread_area)\
	X(206, io_setup)\
	X(207, io_destroy)\
	X(208, io_getevents)\
	X(209, io_submit)\
	X(210, io_cancel)\
	X(211, get_thread_area)\
	X(212, lookup_dcookie)\
	X(213, epoll_create)\
	X(214, epoll_ctl_old)\
	X(215, epoll_wait_old)\
	X(216, remap_file_pages)\
	X(217, getdents64)\
	X(218, set_tid_address)\
	X(219, restart_syscall)\
	X(220, semtimedop)\
	X(221, fadvise64)\
	X(222, timer_create)\
	X(223, timer_settime)\
	X(224, timer_gettime)\
	X(225, timer_getoverrun)\
	X(226, timer_delete)\
	X(227, clock_settime)\
	X(228, clock_gettime)\
	X(229, clock_getres)\
	X(230, clock_nanosleep)\
	X(231, exit_group)\
	X(232, epoll_wait)\
	X(233, epoll_ctl)\
	X(234, tgkill)\
	X(235, utimes)\
	X(236, vserver)\
	X(237, mbind)\
	X(238, set_mempolicy)\
	X(239, get_mempolicy)\
	X(240, mq_open)\
	X(241, mq_unlink)\
	X(242, mq_timedsend)\
	X(243, mq_timedreceive)\
	X(244, mq_notify)\
	X(245, mq_getsetattr)\
	X(246, kexec_load)\
	X(247, waitid)\
	X(248, add_key)\
	X(249, request_key)\
	X(250, keyctl)\
	X(251, ioprio_set)\
	X(252, ioprio_get)\
	X(253, inotify_init)\
	X(254, inotify_add_watch)\
	X(255, inotify_rm_watch)\
	X(256, migrate_pages)\
	X(257, openat)\
	X(258, mkdirat)\
	X(259, mknodat)\
	X(260, fchownat)\
	X(261, futimesat)\
	X(262, newfstatat)\
	X(263, unlinkat)\
	X(264, renameat)\
	X(265, linkat)\
	X(266, symlinkat)\
	X(267, readlinkat)\
	X(268, fchmodat)\
	X(269, faccessat)\
	X(270, pselect6)\
	X(271, ppoll)\
	X(272, unshare)\
	X(273, set_robust_list)\
	X(274, get_robust_list)\
	X(275, splice)\
	X(276, tee)\
	X(277, sync_file_range)\
	X(278, vmsplice)\
	X(279, move_pages)\
	X(280, utimensat)\
	X(281, epoll_pwait)\
	X(282, signalfd)\
	X(283, timerfd_create)\
	X(284, eventfd)\
	X(285, fallocate)\
	X(286, timerfd_settime)\
	X(287, timerfd_gettime)\
	X(288, accept4)\
	X(289, signalfd4)\
	X(290, eventfd2)\
	X(291, epoll_create1)\
	X(292, dup3)\
	X(293, pipe2)\
	X(294, inotify_init1)\
	X(295, preadv)\
	X(296, pwritev)\
	X(297, rt_tgsigqueueinfo)\
	X(298, perf_event_open)\
	X(299, recvmmsg)\
	X(300, fanotify_init)\
	X(301, fanotify_mark)\
	X(302, prlimit64)\
	X(303, name_to_handle_at)\
	X(304, open_by_handle_at)\
	X(305, clock_adjtime)\
	X(306, syncfs)\
	X(307, sendmmsg)\
	X(308, setns)\
	X(309, getcpu)\
	X(310, process_vm_readv)\
	X(311, process_vm_writev)\
	X(312, kcmp)\
	X(313, finit_module)\
	X(314, sched_setattr)\
	X(315, sched_getattr)\
	X(316, renameat2)\
	X(317, seccomp)\
	X(318, getrandom)\
	X(319, memfd_create)\
	X(320, kexec_file_load)\
	X(321, bpf)\
	X(322, execveat)\
	X(323, userfaultfd)\
	X(324, membarrier)\
	X(325, mlock2)\
	X(326, copy_file_range)\
	X(327, preadv2)\
	X(328, pwritev2)\
	X(329, pkey_mprotect)\
	X(330, pkey_alloc)\
	X(331, pkey_free)\
	X(332, statx)\
	X(333, io_pgetevents)\
	X(334, rseq)\
	X(424, pidfd_send_signal)\
	X(425, io_uring_setup)\
	X(426, io_uring_enter)\
	X(427, io_uring_register)\
	X(428, open_tree)\
	X(429, move_mount)\
	X(430, fsopen)\
	X(431, fsconfig)\
	X(432, fsmount)\
	X(433, fspick)\
	X(434, pidfd_open)\
	X(435, clone3)\
	X(436, close_range)\
	X(437, openat2)\
	X(438, pidfd_getfd)\
	X(439, faccessat2)\
	X(440, process_madvise)\
	X(441, epoll_pwait2)\
	X(442, mount_setattr)\
	X(443, quotactl_fd)\
	X(444, landlock_create_ruleset)\
	X(445, landlock_add_rule)\
	X(446, landlock_restrict_self)\
	X(447, memfd_secret)\
	X(448, process_mrelease)\
	X(449, futex_waitv)\
	X(450, set_mempolicy_home_node)

#endif
