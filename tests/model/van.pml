/*
 * van.pml — a Promela model of the VAN protocol inside a site and between
 * sites (docs/protocol.md, docs/proxy.md), for Debian's spin.  docs/model.md
 * maps every process, message and decision here to the C function that
 * implements it, and lists what the model leaves out.
 *
 * Two sites: A has edges E1, E2 and proxy PA, B has edge E3 and proxy PB;
 * PA and PB are peers.  One VM, X, in VAN blue moves between the edges'
 * ports (at most MOVES times); a sender VM on every edge sends it frames;
 * a red VM on E1 floods one broadcast that the red port on E3 may take.
 * Site A calls blue 1 and red 2, site B blue 2 and red 1: the proxies
 * rewrite the IDs at the tunnel.  Every channel may lose (LOSS), duplicate
 * (DUPS) and reorder (ROTS) frames, LEARNs and UNLEARNs (HELLO and JOIN
 * stand for the periodic HELLO and its anti-entropy: they arrive); one
 * member may restart (RESTARTS), one may be declared dead by another
 * (DEATHS).  Assertions: no loop, no frame into another VAN's port, no
 * binding through a member after its UNLEARN until its next LEARN, and
 * (SAFETY) convergence of the moves once all is delivered; LTL (without
 * SAFETY): `converge` and `reach`, with the faults bounded (they stop) and
 * fairness built in (due, owe below).
 *
 * Variants (each must fail, tests/model/run.sh):
 *   BROKEN_SEQ      a LEARN is applied whatever its sequence
 *   BROKEN_HORIZON  a proxy floods a peer's frame back to that peer
 *   BROKEN_XMAP     a proxy sends its own VAN IDs to its peer
 *   BROKEN_NOANSWER the host of a flooded MAC answers with no LEARN
 */

#ifndef MOVES
#define MOVES		2
#endif
#ifndef LOSS
#define LOSS		1
#endif
#ifndef DUPS
#define DUPS		1
#endif
#ifndef ROTS
#define ROTS		1
#endif
#ifndef RESTARTS
#define RESTARTS	1	/* the epoch bookkeeping assumes at most 1 */
#endif
/* RESTART_AT: only that node restarts (else any that X is not on). */
#ifdef RESTART_AT
#define RESTART_OK	((att & BIT(RESTART_AT)) == 0)
#else
#define RESTART_OK	1
#endif
#ifndef DEATHS
#define DEATHS		1
#endif
#ifndef DADM
#define DADM		2	/* dad_moves: a binding's third move freezes it */
#endif
#ifndef QCAP
#define QCAP		6
#endif

#define E1	0
#define E2	1
#define PA	2
#define PB	3
#define E3	4
#define NN	5
#define NL	10
#define NONE	7

#define BIT(n)		(1 << (n))
#define SITE(n)		((n) >= PB)
#define ISPX(n)		((n) == PA || (n) == PB)
#define PXY(s)		((s) -> PB : PA)
#define ISPEER(n, m)	(ISPX(n) && ISPX(m))
/* The VAN IDs of a node's site: blue 1, red 2 in A; blue 2, red 1 in B. */
#define VID(n, vv)	((SITE(n) == (vv)) -> 1 : 2)
#define VAN_OF(n, id)	((id) == VID(n, 0) -> 0 : 1)
#define NB(n)		((n) == E1 -> 6 : ((n) == E2 -> 5 : ((n) == PA -> 11 : \
			((n) == PB -> 20 : 8))))

/* What the broken variants change. */
#ifdef BROKEN_SEQ
#define NEWER(c)	1
#else
#define NEWER(c)	(c)
#endif
#ifdef BROKEN_HORIZON
#define HORIZON(n, m, t)	((t) != (m) || ISPEER(n, m))
#else
#define HORIZON(n, m, t)	((t) != (m))
#endif
/* flood_in's answer to a FLOOD for a MAC that is here, or broken, none:
 * only announcements teach a route. */
#ifdef BROKEN_NOANSWER
#define ANSWER(n, m)	skip
#else
#define ANSWER(n, m)	send_learn(n, m)
#endif
/* The VAN ID a proxy writes toward its peer: the peer's (xmap_out), or
 * broken, its own (the sites' IDs are swapped: 1 <-> 2). */
#ifdef BROKEN_XMAP
#define XMAP(sf, st, v)	((ISPEER(sf, st) && (v) != 0) -> 3 - (v) : (v))
#else
#define XMAP(sf, st, v)	(v)
#endif

/* Room in every channel for what an event makes (a restart: 3 each). */
#define ROOMK(k)	(len(q[0]) <= (k) && len(q[1]) <= (k) && len(q[2]) <= (k) && \
		len(q[3]) <= (k) && len(q[4]) <= (k) && len(q[5]) <= (k) && \
		len(q[6]) <= (k) && len(q[7]) <= (k) && len(q[8]) <= (k) && \
		len(q[9]) <= (k))
#define ROOM	ROOMK(1)

/* Frames: arg = trail (the nodes the frame left) | TV if its VAN is red. */
#define TV		128
#define TRAIL		31
/* HELLO: arg = epoch | SYNC. */
#define SYNC		2

/* Table kinds. */
#define K_NONE	0
#define K_LOC	1
#define K_REM	2

mtype = { DATA, FLOOD, LEARN, UNLEARN, JOIN, LEAVE, HELLO };

chan q[NL] = [QCAP] of { mtype, byte, byte };
byte lk[25];		/* from * NN + to -> channel */

/* Each node's binding of X in blue (struct fdb_entry). */
byte kd[NN], wh[NN], sq[NN], xq[NN];
/* The sequence memo of removed bindings (struct seq_memo). */
byte ms[NN], mx[NN];
bit mi[NN];
/* FDB_F_OUTBID: a local binding re-announced once for a tie. */
bit ob[NN];
/* Duplicate-address detection (bridge_may_move). */
byte mv[NN];
bit fz[NN];
/* A proxy's refused site-claim (struct claim_pend). */
bit pd[NN];
byte pf[NN], ps[NN];
/* Memberships (blue, red), dead members, epochs as seen by each node. */
byte mb[NN], mr[NN], dead[NN], epv[NN];
bit ep[NN];

/* The world: where X is, which ports it has, the red port on E3. */
byte loc = E1, old = NONE, att = BIT(E1);
bit r3 = 1;
/* Budgets, frames in flight, and ghosts for the properties. */
byte mleft = MOVES, lleft = LOSS, dleft = DUPS, rleft = ROTS;
byte sleft = RESTARTS, xleft = DEATHS;
/*
 * NORED: red stays still (no flood, no LEAVE).  Its messages never touch
 * X's tables, only take room in the channels and hold the senders and the
 * world back: a run with them is a run without them, delayed — so the
 * liveness runs, about X alone, leave them out.
 */
#ifdef NORED
bit redleft = 0;
#define REDGO	0
#else
bit redleft = 1;
#define REDGO	1
#endif
byte fl;
byte got;		/* senders whose last frame reached X */
byte told[NN];		/* members whose UNLEARN each node took, since */
bit faulted;		/* a loss, restart, death or freeze happened */
bit conv = 1;		/* CONVERGED, kept for the LTL formulas */
bit gotall;		/* every sender's last frame reached X */
#ifndef SAFETY
/*
 * Liveness runs: fairness by construction instead of spin's weak fairness
 * (pan -f, whose cost grows with the number of processes).  A sender round
 * notes the channels that hold a message (due); the next round waits until
 * each of them has delivered or lost one; and a round after which the old
 * port is still attached or a binding still frozen (owe) is the last one
 * until that ends.  So a message is never delayed past the next round, nor
 * the world's pending steps for ever; the faults stay bounded.
 */
unsigned due : NL;
bit owe;
#define OWED	(old != NONE || fz[E1] || fz[E2] || fz[PA] || fz[PB] || fz[E3])
#define SERVED(i)	due = due & ~(1 << (i))
#define FAIRGO	(due == 0 && !(owe && OWED))
#define NOTEDUE	due = (len(q[0]) > 0 -> 1 : 0) | (len(q[1]) > 0 -> 2 : 0) | \
		(len(q[2]) > 0 -> 4 : 0) | (len(q[3]) > 0 -> 8 : 0) | \
		(len(q[4]) > 0 -> 16 : 0) | (len(q[5]) > 0 -> 32 : 0) | \
		(len(q[6]) > 0 -> 64 : 0) | (len(q[7]) > 0 -> 128 : 0) | \
		(len(q[8]) > 0 -> 256 : 0) | (len(q[9]) > 0 -> 512 : 0); \
		owe = OWED
#define MOVED	owe = 0
#else
#define SERVED(i)	skip
#define FAIRGO	1
#define NOTEDUE	skip
#define MOVED	skip
#endif

/* Where each node should send X's frames: its host, its proxy, the peer. */
#define TGT(n)	(SITE(n) == SITE(loc) -> loc : (ISPX(n) -> PXY(SITE(loc)) : PXY(SITE(n))))
#define OKN(n)	((n) == loc -> kd[n] == K_LOC : (kd[n] == K_REM && wh[n] == TGT(n)))
#define CONVERGED	(old == NONE && OKN(E1) && OKN(E2) && OKN(PA) && OKN(PB) && OKN(E3))
/* Scratch (no state of its own). */
hidden byte ht, hv, ha, hj, hk, hn, hs, ok;
hidden byte aj, fj, fs, ls, qi, sv, sa, sl, hw, pm, pq;
mtype hm;

#define LOSSY(t)	((t) == DATA || (t) == FLOOD || (t) == LEARN || (t) == UNLEARN)
#define ISFRAME(t)	((t) == DATA || (t) == FLOOD)

inline snd(sf, st, t, v, a)
{
	qi = lk[(sf) * NN + (st)];
	sv = v;
	sv = XMAP(sf, st, sv);
	sa = a;
	assert(len(q[qi]) < QCAP);	/* QCAP suffices */
	q[qi]!t, sv, sa;
	if
	:: ISFRAME(t) -> fl++
	:: else -> skip
	fi
}

inline max2(r, a, b)
{
	r = ((a) > (b) -> (a) : (b))
}

/* bridge_may_move: a freeze instead of a move past dad_moves. */
inline may_move(n)
{
	if
	:: fz[n] -> ok = 0
	:: else ->
		mv[n]++;
		if
		:: mv[n] > DADM -> fz[n] = 1; faulted = 1; ok = 0
		:: else -> ok = 1
		fi
	fi
}

/* bridge_fdb_set to a member: a binding through m comes only from m. */
inline setrem(n, m)
{
	assert((told[n] & BIT(m)) == 0);
	ob[n] = 0;
	kd[n] = K_REM;
	wh[n] = m
}

/* bridge_fdb_drop: memo_keep, then gone. */
inline drop(n)
{
	max2(ms[n], ms[n], sq[n]);
	max2(mx[n], mx[n], xq[n]);
	mi[n] = (kd[n] == K_REM && !ISPEER(n, wh[n]));
	kd[n] = K_NONE;
	wh[n] = NONE;
	sq[n] = 0;
	xq[n] = 0
}

/* LEARN for X to m in m's sequence space (bridge_send_learn). */
inline send_learn(n, m)
{
	sl = (ISPEER(n, m) -> xq[n] : sq[n]);
	snd(n, m, LEARN, VID(m, 0), sl)
}

/* bridge_announce, announce_site, announce_peers. */
inline announce(n, peers, site, except)
{
	aj = 0;
	do
	:: aj < NN ->
		if
		:: ((mb[n] & ~dead[n]) >> aj) & 1 && aj != except &&
		    ((ISPEER(n, aj) && peers) || (!ISPEER(n, aj) && site)) ->
			send_learn(n, aj)
		:: else -> skip
		fi;
		aj++
	:: else -> break
	od
}

/* withdraw: UNLEARN to the VAN. */
inline withdraw(n)
{
	aj = 0;
	do
	:: aj < NN ->
		if
		:: ((mb[n] & ~dead[n]) >> aj) & 1 -> snd(n, aj, UNLEARN, VID(aj, 0), 0)
		:: else -> skip
		fi;
		aj++
	:: else -> break
	od
}

/* Routes through m go (member dead, restarted, or LEAVE of blue). */
inline purge(n, m)
{
	if
	:: kd[n] == K_REM && wh[n] == m -> drop(n)
	:: else -> skip
	fi
}

/* A relay_dump of X to peer m (JOIN, or back to life). */
inline dump(n, m)
{
	if
	:: ISPEER(n, m) && kd[n] == K_REM && wh[n] != m && (mb[n] >> m) & 1 ->
		send_learn(n, m)
	:: else -> skip
	fi
}

/* VANs n has nodes in (or, a proxy, maps): JOIN each to m (send_joins). */
inline send_joins(n, m)
{
	snd(n, m, JOIN, VID(m, 0), 0);
	if
	:: ISPX(n) || n == E1 || (n == E3 && r3) -> snd(n, m, JOIN, VID(m, 1), 0)
	:: else -> skip
	fi
}

/* Frame into a port of VAN vv: isolation, and only where X is attached. */
inline deliver(n, vv, a)
{
	assert(((a & TV) != 0) == (vv == 1));
	if
	:: vv == 0 -> assert(att & BIT(n)); got = got | (a & (BIT(E1) | BIT(E2) | BIT(E3)))
	:: else -> assert(n == E1 || (n == E3 && r3))
	fi
}

/* FLOOD on from a proxy: peers (never back to m), the site if from a peer. */
inline flood_on(n, m, vv, a)
{
	fs = ((vv == 0 -> mb[n] : mr[n]) & ~dead[n]);
	fj = 0;
	do
	:: fj < NN ->
		if
		:: (fs >> fj) & 1 && HORIZON(n, m, fj) && (ISPEER(n, fj) || ISPEER(n, m)) ->
			snd(n, fj, FLOOD, VID(fj, vv), a | BIT(n))
		:: else -> skip
		fi;
		fj++
	:: else -> break
	od
}

/* --------------------------------------------------------------- edges --- */

/* bridge_port_frame's learning: X's frame on its port at n. */
inline port_learn(n)
{
	if
	:: kd[n] == K_NONE ->
		kd[n] = K_LOC; wh[n] = NONE; sq[n] = ms[n] + 1; ob[n] = 0;
		announce(n, 1, 1, NONE)
	:: kd[n] == K_LOC -> skip
	:: else ->
		may_move(n);
		if
		:: ok -> max2(hs, sq[n], ms[n]); kd[n] = K_LOC; wh[n] = NONE; sq[n] = hs + 1; ob[n] = 0;
			announce(n, 1, 1, NONE)
		:: else -> skip	/* frozen */
		fi
	fi
}

/* learn_in */
inline edge_learn(n, m, s)
{
	if
	:: kd[n] == K_NONE -> setrem(n, m); sq[n] = s
	:: kd[n] == K_REM && wh[n] == m ->
		if
		:: !(sq[n] > s) -> sq[n] = s
		:: else -> skip
		fi
	:: kd[n] == K_LOC && s == sq[n] && !ob[n] ->
		/* Announced without having heard of the binding: once, higher. */
		ob[n] = 1; sq[n] = s + 1;
		announce(n, 1, 1, NONE)
	:: kd[n] != K_NONE && !(kd[n] == K_REM && wh[n] == m) &&
	    !(kd[n] == K_LOC && s == sq[n] && !ob[n]) && NEWER(s > sq[n]) ->
		may_move(n);
		if
		:: ok -> setrem(n, m); sq[n] = s
		:: else -> max2(ms[n], ms[n], s)	/* bridge_memo_note */
		fi
	:: else ->
		if
		:: kd[n] == K_LOC && sq[n] > s -> send_learn(n, m)
		:: else -> skip
		fi
	fi
}

inline edge_frame(n, m, t, vv, a)
{
	if
	:: vv == 0 && t == DATA ->
		if
		:: kd[n] == K_LOC -> deliver(n, 0, a)
		:: else -> snd(n, m, UNLEARN, VID(m, 0), 0)
		fi
	:: vv == 0 ->
		if
		:: kd[n] == K_LOC -> deliver(n, 0, a); ANSWER(n, m)
		:: else -> skip
		fi
	:: else ->
		if
		:: n == E1 || (n == E3 && r3) -> deliver(n, 1, a)
		:: else -> skip	/* no red port: nothing to deliver to */
		fi
	fi
}

/* ------------------------------------------------------------- proxies --- */

/* relay_to: ok if the frame was carried. */
inline relay_to(n, m, a)
{
	if
	:: kd[n] == K_REM && wh[n] != m && (ISPEER(n, wh[n]) || ISPEER(n, m)) ->
		hw = wh[n];
		snd(n, hw, DATA, VID(hw, 0), a | BIT(n)); ok = 1
	:: else -> ok = 0
	fi
}

inline proxy_frame(n, m, t, vv, a)
{
	if
	:: vv == 1 -> flood_on(n, m, 1, a)
	:: t == DATA ->
		relay_to(n, m, a);
		if
		:: !ok -> snd(n, m, UNLEARN, VID(m, 0), 0)
		:: else -> skip
		fi
	:: else ->
		if
		:: kd[n] == K_REM && !ISPEER(n, wh[n]) && !ISPEER(n, m) -> skip
		:: else ->
			relay_to(n, m, a);
			if
			:: ok -> send_learn(n, m)
			:: else -> flood_on(n, m, 0, a)
			fi
		fi
	fi
}

/* learn_from_site */
inline learn_site(n, m, s)
{
	hk = (kd[n] != K_NONE -> ISPEER(n, wh[n]) : !mi[n]);	/* outside */
	ls = 1;		/* 1 applied, 0 stale, 2 refused */
	if
	:: kd[n] == K_NONE -> setrem(n, m); sq[n] = s; xq[n] = 0
	:: kd[n] != K_NONE && wh[n] == m ->
		if
		:: sq[n] > s -> ls = 0
		:: else -> sq[n] = s
		fi
	:: kd[n] != K_NONE && wh[n] != m && NEWER(s > sq[n] || (s == sq[n] && hk)) ->
		may_move(n);
		if
		:: ok -> setrem(n, m); sq[n] = s
		:: else -> ls = 2
		fi
	:: else -> ls = 0
	fi;
	if
	:: ls == 1 && hk ->
		max2(hs, xq[n], mx[n]); xq[n] = hs + 1;
		announce(n, 1, 0, NONE)
	:: ls == 0 && ISPEER(n, wh[n]) && sq[n] > s -> send_learn(n, m)
	:: else -> skip
	fi
}

/* learn_from_peer */
inline learn_peer(n, m, s)
{
	ls = 1;
	if
	:: kd[n] == K_NONE -> setrem(n, m); sq[n] = ms[n] + 1; xq[n] = s
	:: kd[n] != K_NONE && wh[n] == m ->
		if
		:: xq[n] > s -> ls = 0
		:: else -> xq[n] = s; ls = 2	/* nothing new for anyone */
		fi
	:: kd[n] != K_NONE && wh[n] != m && NEWER(s > xq[n]) ->
		if
		:: !ISPEER(n, wh[n]) -> pd[n] = 1; pf[n] = m; ps[n] = s; ls = 2	/* site-claim */
		:: else ->
			may_move(n);
			if
			:: ok -> max2(hs, sq[n], ms[n]); setrem(n, m); sq[n] = hs + 1; xq[n] = s
			:: else -> ls = 2
			fi
		fi
	:: else -> ls = 0
	fi;
	if
	:: ls == 1 -> announce(n, 1, 1, m)
	:: ls == 0 && !ISPEER(n, wh[n]) && xq[n] > s -> send_learn(n, m)
	:: else -> skip
	fi
}

/* ------------------------------------------------------- one message in --- */

inline receive(n, m, t, v, a)
{
	hv = VAN_OF(n, v);
	if
	:: ISFRAME(t) ->
		fl--;
		assert((a & BIT(n)) == 0);	/* never back to a node it left */
		if
		:: ISPX(n) -> proxy_frame(n, m, t, hv, a)
		:: else -> edge_frame(n, m, t, hv, a)
		fi
	:: t == LEARN && hv == 0 ->
		told[n] = told[n] & ~BIT(m);
		if
		:: ISPEER(n, m) -> learn_peer(n, m, a)
		:: ISPX(n) -> learn_site(n, m, a)
		:: else -> edge_learn(n, m, a)
		fi
	:: t == UNLEARN && hv == 0 ->
		if
		:: kd[n] == K_REM && wh[n] == m ->
			drop(n);
			if
			:: ISPX(n) && !ISPEER(n, m) && pd[n] ->	/* pend_apply */
				pd[n] = 0; pm = pf[n]; pq = ps[n]; learn_peer(n, pm, pq)
			:: else -> skip
			fi
		:: else -> skip
		fi;
		told[n] = told[n] | BIT(m)
	:: t == JOIN ->
		if
		:: hv == 0 -> mb[n] = mb[n] | BIT(m); dump(n, m)
		:: else -> mr[n] = mr[n] | BIT(m)
		fi
	:: t == LEAVE ->
		if
		:: hv == 0 -> mb[n] = mb[n] & ~BIT(m); purge(n, m)
		:: else -> mr[n] = mr[n] & ~BIT(m)
		fi
	:: t == HELLO ->
		if
		:: ((epv[n] >> m) & 1) != (a & 1) ->	/* member_epoch: restarted */
			purge(n, m);
			mb[n] = mb[n] & ~BIT(m); mr[n] = mr[n] & ~BIT(m);
			epv[n] = epv[n] ^ BIT(m)
		:: else -> skip
		fi;
		if
		:: (dead[n] >> m) & 1 -> dead[n] = dead[n] & ~BIT(m); dump(n, m)
		:: else -> skip
		fi;
		if
		:: a & SYNC -> send_joins(n, m); snd(n, m, HELLO, 0, ep[n])
		:: else -> skip
		fi
	:: else -> skip		/* LEARN/UNLEARN of red: no red MAC is tracked */
	fi
}

proctype link(byte i, src, dst)
{
	do
	:: d_step {
		q[i]?hm, hv, ha ->
		ht = hv;
		receive(dst, src, hm, ht, ha);
		hm = 0; ht = 0; hv = 0; ha = 0; ok = 0; hs = 0; hk = 0; ls = 0;
		aj = 0; fj = 0; fs = 0;
		SERVED(i);
		conv = CONVERGED; gotall = ((got & 19) == 19)
	   }
	od
}

/* ---------------------------------------------------------- the senders --- */

/* A frame of the sender VM on edge n to X (bridge_port_frame). */
inline send_frame(n)
{
	got = got & ~BIT(n);
	if
	:: kd[n] == K_LOC -> deliver(n, 0, BIT(n))
	:: kd[n] == K_REM -> hw = wh[n]; snd(n, hw, DATA, VID(hw, 0), BIT(n))
	:: else ->
		fj = 0;
		do
		:: fj < NN ->
			if
			:: ((mb[n] & ~dead[n]) >> fj) & 1 -> snd(n, fj, FLOOD, VID(fj, 0), BIT(n))
			:: else -> skip
			fi;
			fj++
		:: else -> break
		od
	fi;
	fj = 0; aj = 0; ok = 0; hs = 0
}

/* Round robin, one frame at a time: E1, E2, E3, then X speaks. */
proctype senders()
{
	byte turn;

	do
	:: d_step {
		fl == 0 && ROOMK(2) && FAIRGO ->
		if
		:: turn == 0 -> send_frame(E1)
		:: turn == 1 -> send_frame(E2)
		:: turn == 2 -> send_frame(E3)
		:: else -> port_learn(loc)
		fi;
		turn = (turn + 1) % 4;
		NOTEDUE;
		conv = CONVERGED; gotall = ((got & 19) == 19)
	   }
	od
}

/* A freeze ends (dad_hold). */
proctype thaw()
{
	byte n;

	do
	:: d_step {
		(fz[E1] || fz[E2] || fz[PA] || fz[PB] || fz[E3]) ->
		n = (fz[E1] -> E1 : (fz[E2] -> E2 : (fz[PA] -> PA : (fz[PB] -> PB : E3))));
		fz[n] = 0; mv[n] = 0; n = 0;
		conv = CONVERGED
	   }
	od
}

/* -------------------------------------------------------- the world ----- */

/*
 * One channel's faults, each its own step: lose, duplicate or reorder the
 * DATA, FLOOD, LEARN or UNLEARN at its head (a d_step would resolve a
 * choice among them always the same way, and a fault that does nothing
 * would be a step the world could repeat for ever).
 */
#define LOSSYHEAD(i)	(q[i]?[DATA, _, _] || q[i]?[FLOOD, _, _] || \
			q[i]?[LEARN, _, _] || q[i]?[UNLEARN, _, _])
#define FAULT(i) \
	:: d_step { \
		lleft > 0 && LOSSYHEAD(i) -> \
		q[i]?hm, hv, ha; lleft--; faulted = 1; SERVED(i); \
		if \
		:: ISFRAME(hm) -> fl-- \
		:: else -> skip \
		fi; \
		hm = 0; hv = 0; ha = 0; \
		conv = CONVERGED \
	   } \
	:: d_step { \
		dleft > 0 && len(q[i]) < QCAP && LOSSYHEAD(i) -> \
		q[i]?<hm, hv, ha>; q[i]!hm, hv, ha; dleft--; \
		if \
		:: ISFRAME(hm) -> fl++ \
		:: else -> skip \
		fi; \
		hm = 0; hv = 0; ha = 0 \
	   } \
	:: d_step { \
		rleft > 0 && len(q[i]) > 1 && LOSSYHEAD(i) -> \
		q[i]?hm, hv, ha; q[i]!hm, hv, ha; rleft--; \
		hm = 0; hv = 0; ha = 0 \
	   }

/* The world acts when the channels have room for what it makes. */

proctype world()
{
	do
	/* X moves: its new port, its first frame; the old port goes later. */
	:: d_step {
		ROOM && mleft > 0 && old == NONE ->
		mleft--;
		if
		:: loc != E1 -> hn = E1
		:: loc != E2 -> hn = E2
		:: loc != E3 -> hn = E3
		fi;
		att = att | BIT(hn); old = loc; loc = hn; MOVED;
		port_learn(hn);
		hn = 0; aj = 0; ok = 0; hs = 0;
		conv = CONVERGED; gotall = ((got & 19) == 19)
	   }
	/* The old port is detached (bridge_port_del: its MACs withdrawn). */
	:: d_step {
		ROOM && old != NONE ->
		att = att & ~BIT(old);
		if
		:: kd[old] == K_LOC -> drop(old); withdraw(old)
		:: else -> skip
		fi;
		old = NONE; aj = 0;
		conv = CONVERGED; gotall = ((got & 19) == 19)
	   }
	/* The red VM floods once. */
	:: d_step {
		ROOM && redleft ->
		redleft = 0;
		snd(E1, PA, FLOOD, VID(PA, 1), BIT(E1) | TV);
		conv = CONVERGED; gotall = ((got & 19) == 19)
	   }
	/* The red port on E3 goes: LEAVE red. */
	:: d_step {
		ROOM && r3 && REDGO ->
		r3 = 0;
		snd(E3, PB, LEAVE, VID(PB, 1), 0);
		conv = CONVERGED; gotall = ((got & 19) == 19)
	   }
	/* A member restarts: new epoch, nothing known, HELLO SYNC and JOINs. */
	:: d_step {
		ROOM && sleft > 0 && RESTART_OK ->
#ifdef RESTART_AT
		hn = RESTART_AT;
#else
		if
		:: (att & BIT(E1)) == 0 -> hn = E1
		:: (att & BIT(E2)) == 0 -> hn = E2
		:: hn = PA
		:: hn = PB
		:: (att & BIT(E3)) == 0 -> hn = E3
		fi;
#endif
		sleft--; faulted = 1;
		kd[hn] = K_NONE; wh[hn] = NONE; sq[hn] = 0; xq[hn] = 0;
		ms[hn] = 0; mx[hn] = 0; mi[hn] = 0; ob[hn] = 0; mv[hn] = 0; fz[hn] = 0; pd[hn] = 0;
		mb[hn] = 0; mr[hn] = 0; dead[hn] = 0; told[hn] = 0;
		ep[hn] = 1 - ep[hn];
		hj = 0;
		do
		:: hj < NN ->
			if
			:: (NB(hn) >> hj) & 1 ->
				snd(hn, hj, HELLO, 0, ep[hn] | SYNC);
				send_joins(hn, hj)
			:: else -> skip
			fi;
			hj++
		:: else -> break
		od;
		hn = 0; hj = 0;
		conv = CONVERGED; gotall = ((got & 19) == 19)
	   }
	/* n hears no HELLO from m for a while: m is dead at n, its routes go;
	 * its next HELLO is on its way. */
	:: d_step {
		ROOM && xleft > 0 ->
		if
		:: hn = E1; hj = E2
		:: hn = E2; hj = E1
		:: hn = E1; hj = PA
		:: hn = PA; hj = E1
		:: hn = E2; hj = PA
		:: hn = PA; hj = E2
		:: hn = PA; hj = PB
		:: hn = PB; hj = PA
		:: hn = PB; hj = E3
		:: hn = E3; hj = PB
		fi;
		xleft--; faulted = 1;
		dead[hn] = dead[hn] | BIT(hj);
		purge(hn, hj);
		snd(hj, hn, HELLO, 0, ep[hj]);
		hn = 0; hj = 0;
		conv = CONVERGED; gotall = ((got & 19) == 19)
	   }
	FAULT(0) FAULT(1) FAULT(2) FAULT(3) FAULT(4)
	FAULT(5) FAULT(6) FAULT(7) FAULT(8) FAULT(9)
	od
}

/* ------------------------------------------------------- the properties --- */

#define QUIET	(len(q[0]) + len(q[1]) + len(q[2]) + len(q[3]) + len(q[4]) + \
		len(q[5]) + len(q[6]) + len(q[7]) + len(q[8]) + len(q[9]) == 0)

#ifdef SAFETY
/*
 * Two moves converge on the later one: once everything is delivered, with
 * nothing lost (and no restart, death or freeze), X's host has it and no
 * table points anywhere else — a table may have none (a tie of two
 * announcements, each outbid once, ends so: the next frame floods, and
 * the LTL property `converge` covers that).
 */
#define SANE(n)	((n) == loc -> kd[n] == K_LOC : (kd[n] == K_NONE || OKN(n)))
proctype quiet()
{
	do
	:: atomic { QUIET && mleft == 0 && old == NONE && !faulted ->
		assert(SANE(E1) && SANE(E2) && SANE(PA) && SANE(PB) && SANE(E3)) }
	od
}
#endif

#ifndef SAFETY
ltl converge { <> [] conv }
ltl reach { [] <> gotall }
ltl live { <> [] conv && [] <> gotall }
#endif

init
{
	atomic {
		lk[E1 * NN + E2] = 0; lk[E2 * NN + E1] = 1;
		lk[E1 * NN + PA] = 2; lk[PA * NN + E1] = 3;
		lk[E2 * NN + PA] = 4; lk[PA * NN + E2] = 5;
		lk[PA * NN + PB] = 6; lk[PB * NN + PA] = 7;
		lk[E3 * NN + PB] = 8; lk[PB * NN + E3] = 9;
		/* Converged on X at E1: sequence 1 in A, xseq 1, 1 in B. */
		kd[E1] = K_LOC; wh[E1] = NONE; sq[E1] = 1;
		kd[E2] = K_REM; wh[E2] = E1; sq[E2] = 1;
		kd[PA] = K_REM; wh[PA] = E1; sq[PA] = 1; xq[PA] = 1;
		kd[PB] = K_REM; wh[PB] = PA; sq[PB] = 1; xq[PB] = 1;
		kd[E3] = K_REM; wh[E3] = PB; sq[E3] = 1;
		mb[E1] = NB(E1); mb[E2] = NB(E2); mb[PA] = NB(PA); mb[PB] = NB(PB);
		mb[E3] = NB(E3);
		mr[E1] = BIT(PA); mr[E2] = BIT(E1) | BIT(PA); mr[PA] = BIT(E1) | BIT(PB);
		mr[PB] = BIT(PA) | BIT(E3); mr[E3] = BIT(PB);
		run link(0, E1, E2); run link(1, E2, E1);
		run link(2, E1, PA); run link(3, PA, E1);
		run link(4, E2, PA); run link(5, PA, E2);
		run link(6, PA, PB); run link(7, PB, PA);
		run link(8, E3, PB); run link(9, PB, E3);
		run senders();
		run thaw();
		run world();
#ifdef SAFETY
		run quiet();
#endif
	}
}
