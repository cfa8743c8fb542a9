package testutil

import (
	"net"
	"os"
	"sync"
	"time"
)

// deadlines holds a read and a write deadline that a blocked call can
// wait on: every change wakes the waiters, so a deadline moved into the
// past (as context.AfterFunc does to cancel I/O) takes effect at once.
type deadlines struct {
	mu      sync.Mutex
	read    time.Time
	write   time.Time
	changed chan struct{} // closed and replaced on every change
	closed  chan struct{} // closed by close
	isDone  bool
}

func newDeadlines() *deadlines {
	return &deadlines{changed: make(chan struct{}), closed: make(chan struct{})}
}

func (d *deadlines) set(read, write bool, t time.Time) {
	d.mu.Lock()
	if read {
		d.read = t
	}
	if write {
		d.write = t
	}
	close(d.changed)
	d.changed = make(chan struct{})
	d.mu.Unlock()
}

// close wakes every waiter for good; it reports whether this call closed.
func (d *deadlines) close() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.isDone {
		return false
	}
	d.isDone = true
	close(d.closed)
	return true
}

// check returns os.ErrDeadlineExceeded if the read (or write) deadline
// has passed, net.ErrClosed if closed, or nil.
func (d *deadlines) check(read bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.isDone {
		return net.ErrClosed
	}
	t := d.write
	if read {
		t = d.read
	}
	if !t.IsZero() && !time.Now().Before(t) {
		return os.ErrDeadlineExceeded
	}
	return nil
}

// block waits until the conn is closed or the read (or write) deadline
// passes, and returns net.ErrClosed or os.ErrDeadlineExceeded.
func (d *deadlines) block(read bool) error {
	for {
		d.mu.Lock()
		if d.isDone {
			d.mu.Unlock()
			return net.ErrClosed
		}
		t := d.write
		if read {
			t = d.read
		}
		changed, closed := d.changed, d.closed
		d.mu.Unlock()
		var timeout <-chan time.Time
		if !t.IsZero() {
			wait := time.Until(t)
			if wait <= 0 {
				return os.ErrDeadlineExceeded
			}
			timer := time.NewTimer(wait)
			timeout = timer.C
			defer timer.Stop()
		}
		select {
		case <-closed:
		case <-changed:
		case <-timeout:
		}
	}
}
