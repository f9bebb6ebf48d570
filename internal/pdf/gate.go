package pdf

import (
	"context"
	"errors"
)

// ErrBusy is returned when a Gate has no free slot before the caller's deadline.
var ErrBusy = errors.New("too many files are being processed; try again shortly")

// Gate bounds how many untrusted files one process parses or assembles at once. A parse that
// outlives its time limit keeps its slot until it really ends (pdfcpu's validation cannot be
// stopped), so a flood of hostile files queues up here instead of taking every core and all
// the memory. A nil *Gate lets everything through.
type Gate struct{ slots chan struct{} }

// NewGate returns a gate with n slots (at least 1).
func NewGate(n int) *Gate { return &Gate{slots: make(chan struct{}, max(1, n))} }

func (g *Gate) enter(ctx context.Context) error {
	if g == nil {
		return nil
	}
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ErrBusy
	}
}

func (g *Gate) leave() {
	if g != nil {
		<-g.slots
	}
}
