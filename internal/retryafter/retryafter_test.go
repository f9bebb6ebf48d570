package retryafter_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/retryafter"
)

func TestParse(t *testing.T) {
	t.Parallel()
	require.Equal(t, 42*time.Second, retryafter.Parse(" 42 ", time.Minute))
	require.Equal(t, time.Minute, retryafter.Parse("", time.Minute))
	require.Equal(t, time.Minute, retryafter.Parse("soon", time.Minute))
	require.Equal(t, time.Minute, retryafter.Parse("-3", time.Minute))
	require.Zero(t, retryafter.Parse(time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), time.Minute))
	d := retryafter.Parse(time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), time.Minute)
	require.InDelta(t, time.Hour.Seconds(), d.Seconds(), 2)
}
