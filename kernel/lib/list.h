/* SPDX-License-Identifier: MIT */
/* Intrusive circular doubly-linked lists, as in Linux's <linux/list.h>. */
#ifndef STRIX_LIST_H
#define STRIX_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline void list_insert_between(struct list_head *n,
				       struct list_head *prev,
				       struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

/* Adds n right after head (stack order). */
static inline void list_add(struct list_head *n, struct list_head *head)
{
	list_insert_between(n, head, head->next);
}

/* Adds n before head, i.e. at the tail (queue order). */
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	list_insert_between(n, head->prev, head);
}

/* Unlinks n and leaves it pointing at itself, so list_empty(n) holds and a
 * second list_del is harmless. */
static inline void list_del(struct list_head *n)
{
	n->next->prev = n->prev;
	n->prev->next = n->next;
	list_init(n);
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

#define list_entry(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define list_first_entry(head, type, member) \
	list_entry((head)->next, type, member)

#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)

#define list_for_each_entry(pos, head, member)                            \
	for (pos = list_entry((head)->next, __typeof__(*pos), member);    \
	     &pos->member != (head);                                      \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

#define list_for_each_entry_reverse(pos, head, member)                    \
	for (pos = list_entry((head)->prev, __typeof__(*pos), member);    \
	     &pos->member != (head);                                      \
	     pos = list_entry(pos->member.prev, __typeof__(*pos), member))

#define list_for_each_entry_safe(pos, n, head, member)                    \
	for (pos = list_entry((head)->next, __typeof__(*pos), member),    \
	    n = list_entry(pos->member.next, __typeof__(*pos), member);   \
	     &pos->member != (head);                                      \
	     pos = n, n = list_entry(n->member.next, __typeof__(*n), member))

#endif
