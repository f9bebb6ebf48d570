package imslp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/imslp"
	"github.com/mirubato/mirubato/internal/imslp/imslptest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func ballade() *imslptest.Work {
	return &imslptest.Work{PageID: 1001, WorkTitle: "Ballade No.1, Op.23", Composer: "Chopin, Frédéric", Opus: "Op.23",
		Key: "G minor", Instrumentation: "Piano", Year: "1835", Movements: "1", Genres: []string{"Ballades", "For piano"},
		Files: []imslptest.File{
			{Index: 11, Name: "Chopin_Ballade_1_parts.pdf", Description: "Selections", Pages: 3, Copyright: "Public Domain", Publisher: "Leipzig: Breitkopf & Härtel, 1878"},
			{Index: 12, Name: "Chopin_Ballade_1.pdf", Description: "Complete Score", Pages: 14, Copyright: "Public Domain", Publisher: "Leipzig: Breitkopf & Härtel, 1878"},
			{Index: 13, Name: "Chopin_Ballade_1_Cortot.pdf", Description: "Complete Score", Pages: 20, Copyright: "Public Domain - Non-PD US", Editor: "Alfred Cortot", Publisher: "Paris: Salabert, 1929"},
			{Index: 14, Name: "Chopin_Ballade_1.mid", Description: "Complete Score", Pages: 0, Copyright: "Public Domain"},
		}}
}

func newServer(t *testing.T) *imslptest.Server {
	t.Helper()
	s, err := imslptest.New()
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func newClient(s *imslptest.Server) *imslp.Client {
	return &imslp.Client{BaseURL: s.URL, HTTP: imslp.NewHTTPClient(5 * time.Second), MaxBytes: 1 << 20}
}

func TestWorkPageAndFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t)
	s.Add(ballade())
	c := newClient(s)

	for _, ref := range []string{"1001", "https://imslp.org/wiki/Ballade_No.1,_Op.23_(Chopin,_Fr%C3%A9d%C3%A9ric)", "Ballade No.1, Op.23 (Chopin, Frédéric)"} {
		r, err := imslp.ParseRef(ref)
		require.NoError(t, err, ref)
		w, err := c.Work(ctx, r)
		require.NoError(t, err, ref)
		require.Equal(t, int64(1001), w.PageID)
		require.Equal(t, "Ballade No.1, Op.23", w.Title)
		require.Equal(t, "Chopin, Frédéric", w.Composer)
		require.Equal(t, "Op.23", w.Opus)
		require.Equal(t, "G minor", w.Key)
		require.Equal(t, "Piano", w.Instrumentation)
		require.Equal(t, []string{"Ballades", "For piano"}, w.Genres)
		require.Len(t, w.Files, 4)
		require.Equal(t, imslp.File{Index: 13, Name: "Chopin_Ballade_1_Cortot.pdf", Description: "Complete Score", Pages: 20,
			Editor: "Alfred Cortot", Publisher: "Paris: Salabert, 1929", Copyright: "Public Domain - Non-PD US"}, w.Files[2])
	}
	w, err := c.Work(ctx, imslp.Ref{PageID: 1001})
	require.NoError(t, err)
	// In the US the Cortot edition is not public domain: the Breitkopf complete score wins.
	best, _ := w.Choose("us")
	require.Equal(t, int64(12), best.Index)
	// In the EU it is, and it has more pages.
	best, _ = w.Choose("eu")
	require.Equal(t, int64(13), best.Index)

	_, err = c.Work(ctx, imslp.Ref{PageID: 999})
	require.ErrorIs(t, err, imslp.ErrNotFound)
	_, err = c.Work(ctx, imslp.Ref{Title: "Nothing (Nobody)"})
	require.ErrorIs(t, err, imslp.ErrNotFound)

	// A work with nothing public domain says why of each file.
	s.Add(&imslptest.Work{PageID: 1002, WorkTitle: "Modern Piece", Composer: "Someone, Living", Files: []imslptest.File{
		{Index: 21, Name: "a.pdf", Description: "Complete Score", Pages: 2, Copyright: "Creative Commons Attribution-NonCommercial 4.0"},
		{Index: 22, Name: "b.pdf", Description: "Complete Score", Pages: 2, Copyright: "Public Domain - Non-PD US"},
	}})
	w, err = c.Work(ctx, imslp.Ref{PageID: 1002})
	require.NoError(t, err)
	best, why := w.Choose("us")
	require.Nil(t, best)
	require.Equal(t, []string{"#21: not public domain (Creative Commons Attribution-NonCommercial 4.0)",
		"#22: not public domain in US (Public Domain - Non-PD US)"}, why)

	// The download goes through the disclaimer and IMSLP's redirect.
	data, err := c.Download(ctx, 12)
	require.NoError(t, err)
	require.Equal(t, "%PDF", string(data[:4]))
	reqs := s.Requests()
	require.Contains(t, reqs[len(reqs)-2].Path, "/wiki/Special:ImagefromIndex/12")
	require.Contains(t, reqs[len(reqs)-1].Path, "/files/")
	_, err = c.Download(ctx, 404404)
	require.ErrorIs(t, err, imslp.ErrNotFound)
	small := newClient(s)
	small.MaxBytes = 100
	_, err = small.Download(ctx, 12)
	require.ErrorContains(t, err, "larger than 100 bytes")

	for _, bad := range []string{"", "-5", "https://example.com/wiki/X", "ftp://imslp.org/wiki/X", "a|b"} {
		_, err := imslp.ParseRef(bad)
		require.Error(t, err, bad)
	}
}

func TestFailuresAreRetryLater(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t)
	s.Add(ballade())
	c := newClient(s)

	s.Fail(imslptest.Failure{Status: http.StatusTooManyRequests, RetryAfter: "42"})
	_, err := c.Work(ctx, imslp.Ref{PageID: 1001})
	var later *imslp.RetryLater
	require.ErrorAs(t, err, &later)
	require.Equal(t, 42*time.Second, later.After)

	s.Fail(imslptest.Failure{Status: http.StatusBadGateway})
	_, err = c.Download(ctx, 12)
	require.ErrorAs(t, err, &later)
	require.Contains(t, later.Reason, "502")

	slow := newClient(s)
	slow.HTTP = imslp.NewHTTPClient(100 * time.Millisecond)
	s.Fail(imslptest.Failure{Delay: time.Second})
	_, err = slow.Work(ctx, imslp.Ref{PageID: 1001})
	require.ErrorAs(t, err, &later, "a timeout is retried later")

	_, err = c.Work(ctx, imslp.Ref{PageID: 1001})
	require.NoError(t, err, "and then it answers")
}

func TestListsArePaged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t)
	s.PageSize = 3
	for i := range 8 {
		composer := "Bach, Johann Sebastian"
		if i%4 == 3 {
			composer = "Handel, George Frideric"
		}
		s.Add(&imslptest.Work{PageID: int64(100 + i), WorkTitle: fmt.Sprintf("Suite No.%d", i+1), Composer: composer})
	}
	c := newClient(s)
	var all []imslp.ListEntry
	for start := 0; ; start += 3 {
		page, more, err := c.WorkList(ctx, true, start)
		require.NoError(t, err)
		all = append(all, page...)
		if !more {
			break
		}
	}
	require.Len(t, all, 8)
	require.Equal(t, int64(100), all[0].PageID)
	require.Equal(t, "Suite No.1", all[0].WorkTitle)
	require.Equal(t, "Category:Bach, Johann Sebastian", all[0].Parent)
	people, more, err := c.WorkList(ctx, false, 0)
	require.NoError(t, err)
	require.False(t, more)
	require.Len(t, people, 2)

	var titles []string
	cont := ""
	for {
		page, next, err := c.CategoryWorks(ctx, "Bach, Johann Sebastian", cont)
		require.NoError(t, err)
		titles = append(titles, page...)
		if next == "" {
			break
		}
		cont = next
	}
	require.Len(t, titles, 6)
	require.Equal(t, "Suite No.1 (Bach, Johann Sebastian)", titles[0])
}

// TestRateLimitSharedByClients: four clients with their own pools (processes, in effect) and
// one limit in the database; the server sees the requests spaced by the interval.
func TestRateLimitSharedByClients(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, dbURL := dbtest.NewDatabase(t)
	s := newServer(t)
	s.Add(ballade())
	const rate = 10.0
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 4 {
		pool, err := pgxpool.New(ctx, dbURL)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		c := newClient(s)
		c.Limiter = imslp.NewPGLimiter(pool, rate)
		wg.Go(func() {
			for range 5 {
				for {
					_, err := c.Work(ctx, imslp.Ref{PageID: 1001})
					var later *imslp.RetryLater
					if errors.As(err, &later) {
						time.Sleep(later.After) // a job would snooze
						continue
					}
					errs <- err
					break
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	reqs := s.Requests()
	require.Len(t, reqs, 20)
	// Turns are spaced by the interval (100 ms); arrivals add the scheduling delay between a
	// turn and its request reaching the server, which on a loaded machine (the full suite,
	// -race) reaches tens of milliseconds. Without the shared limit the four clients' requests
	// would come within a millisecond of each other.
	for i := 1; i < len(reqs); i++ {
		gap := reqs[i].At.Sub(reqs[i-1].At)
		require.Greater(t, gap, 50*time.Millisecond, "request %d came %s after the one before", i, gap)
	}
	span := reqs[len(reqs)-1].At.Sub(reqs[0].At)
	require.Greater(t, span, 19*100*time.Millisecond-50*time.Millisecond, "20 requests took at least 19 intervals")
	require.LessOrEqual(t, s.MaxWithin(950*time.Millisecond), int(rate))
}
