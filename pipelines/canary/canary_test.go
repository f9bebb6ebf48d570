package canary_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/canary"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestCanary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	workers := river.NewWorkers()
	river.AddWorker(workers, canary.NewWorker(pool))
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Logger:            dbtest.Logger(t),
		Queues:            map[string]river.QueueConfig{queues.Default: {MaxWorkers: 2}},
		Workers:           workers,
		PeriodicJobs:      []*river.PeriodicJob{canary.PeriodicJob()},
		FetchCooldown:     time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond,
	})
	require.NoError(t, err)

	// Unique per interval: however many schedulers insert it, one job per period.
	first, err := client.Insert(ctx, canary.Args{}, nil)
	require.NoError(t, err)
	second, err := client.Insert(ctx, canary.Args{}, nil)
	require.NoError(t, err)
	require.True(t, second.UniqueSkippedAsDuplicate)
	require.Equal(t, first.Job.ID, second.Job.ID)

	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { require.NoError(t, client.Stop(context.Background())) })
	require.Eventually(t, func() bool {
		hb, err := store.LastHeartbeat(ctx, pool, queues.Default)
		return err == nil && hb != nil && hb.WorkerID == client.ID()
	}, 10*time.Second, 20*time.Millisecond)
}
