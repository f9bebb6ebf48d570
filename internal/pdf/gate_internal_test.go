package pdf

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestGate(t *testing.T) {
	g := NewGate(1)
	require.NoError(t, g.enter(context.Background()))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, g.enter(ctx), ErrBusy, "the one slot is taken")
	g.leave()
	require.NoError(t, g.enter(context.Background()), "given back")
	g.leave()

	var none *Gate
	require.NoError(t, none.enter(context.Background()), "no gate, no limit")
	none.leave()

	// Open holds a slot for as long as its parse runs, even past its time limit.
	data := []byte("%PDF-1.4\n") // too short to parse: the parse ends at once
	g2 := NewGate(1)
	_, err := Open(context.Background(), data, Limits{Gate: g2, Timeout: time.Second})
	require.Error(t, err)
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		if g2.enter(ctx) != nil {
			return false
		}
		g2.leave()
		return true
	}, time.Second, time.Millisecond, "the slot comes back when the parse has ended")
}
