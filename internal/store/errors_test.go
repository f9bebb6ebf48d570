package store_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/store"
)

// TestUnavailableAndBadValue: the errors the API answers 503 (the database cannot be
// reached) and 400 (a value PostgreSQL refused), told from the others, which stay 500s and
// are logged as errors: another service's failure, a deadline, a bug in our SQL.
func TestUnavailableAndBadValue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().String()
	require.NoError(t, ln.Close())

	_, connErr := pgx.Connect(ctx, "postgres://x:y@"+closed+"/db?connect_timeout=2")
	require.Error(t, connErr)
	require.True(t, store.Unavailable(connErr), "a database that refuses connections")
	require.True(t, store.Unavailable(fmt.Errorf("error reading: %w", connErr)), "wrapped")

	client := &http.Client{Timeout: 2 * time.Second}
	_, httpErr := client.Get("http://" + closed + "/bucket/key")
	require.Error(t, httpErr)
	require.False(t, store.Unavailable(httpErr), "another service (a bucket, an AI provider) is not the database")
	require.False(t, store.Unavailable(context.DeadlineExceeded))
	require.False(t, store.Unavailable(errors.New("something else")))

	tx := dbtest.Tx(t)
	_, err = tx.Exec(ctx, `SELECT 2147483647::int4 + $1::int4`, 1)
	require.True(t, store.BadValue(err), "integer out of range: %v", err)
	tx2 := dbtest.Tx(t) // the first is aborted now
	_, err = tx2.Exec(ctx, `SELECT 1 / $1::int`, 0)
	require.Error(t, err)
	require.False(t, store.BadValue(err), "a division by zero is our SQL's fault: %v", err)
}
