package runtime

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Session remembers when one user of the application (a web request, or
// a user across requests) last wrote, so that a DB with read replicas
// keeps that user's reads on the primary for Config.ReadYourWrites
// afterwards: the user reads what they wrote even while the replicas
// still replay it. A Session is safe for concurrent use.
//
// A DB records a write on the context's session for every statement it
// runs that is not marked replica=ok (Exec, Query, QueryRow, SendBatch,
// CopyFrom), and for every transaction that is not read-only, both when
// it starts and when it ends, so the window counts from the end of the
// write.
type Session struct {
	// lastWrite is the time of the last write, in Unix nanoseconds; 0
	// for none.
	lastWrite atomic.Int64
}

// NewSession returns a session that has not written.
func NewSession() *Session { return &Session{} }

// LastWrite returns the time of the session's last write, or the zero
// time when it has not written.
func (s *Session) LastWrite() time.Time {
	n := s.lastWrite.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// RecordWrite records a write at t, for a session restored from what an
// earlier request kept (a cookie holding LastWrite, say). An earlier t
// than the session's last write changes nothing.
func (s *Session) RecordWrite(t time.Time) {
	n := t.UnixNano()
	for {
		old := s.lastWrite.Load()
		if n <= old || s.lastWrite.CompareAndSwap(old, n) {
			return
		}
	}
}

// touch records a write now.
func (s *Session) touch() { s.RecordWrite(time.Now()) }

// recent reports whether the session wrote within window.
func (s *Session) recent(window time.Duration) bool {
	n := s.lastWrite.Load()
	return n != 0 && time.Since(time.Unix(0, n)) < window
}

// sessionKey and primaryKey are the context keys of the session and of
// Primary.
type (
	sessionKey struct{}
	primaryKey struct{}
)

// WithSession returns a context carrying a new Session, unless ctx
// carries one already; see Session. Web handlers opt in per request:
//
//	r = r.WithContext(runtime.WithSession(r.Context()))
func WithSession(ctx context.Context) context.Context {
	if SessionFrom(ctx) != nil {
		return ctx
	}
	return context.WithValue(ctx, sessionKey{}, NewSession())
}

// UseSession returns a context carrying s, a session kept across calls
// (per user, say).
func UseSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionFrom returns the session of ctx, or nil.
func SessionFrom(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}

// Primary returns a context whose statements all run on the primary,
// even those marked replica=ok: for a read that must see the latest
// committed data.
func Primary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

// isPrimary reports whether ctx comes from Primary.
func isPrimary(ctx context.Context) bool {
	v, _ := ctx.Value(primaryKey{}).(bool)
	return v
}

// sessionTx records a write on its session when it ends.
type sessionTx struct {
	pgx.Tx
	session *Session
}

func (t *sessionTx) Commit(ctx context.Context) error {
	err := t.Tx.Commit(ctx)
	t.session.touch()
	return err
}

func (t *sessionTx) Rollback(ctx context.Context) error {
	err := t.Tx.Rollback(ctx)
	t.session.touch()
	return err
}
