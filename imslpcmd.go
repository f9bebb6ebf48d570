package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/imslp"
	"github.com/mirubato/mirubato/workers"
)

const imslpUsage = `usage:
  mirubato imslp import -user EMAIL [-detach] WORK...
  mirubato imslp import -user EMAIL -composer NAME [-instrumentation I] [-limit N] [-detach]
  mirubato imslp status BATCH-ID
  mirubato imslp cancel BATCH-ID

A WORK is an IMSLP work page's URL, its page id or its title. Workers do the import;
import waits and shows its progress unless -detach; the batch goes on either way`

// runIMSLP is `mirubato imslp …`: import from IMSLP as a user, follow a batch, cancel one.
// The operator's commands reach any user's batch.
func runIMSLP(ctx context.Context, environ, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(imslpUsage)
	}
	switch args[0] {
	case "import":
		return runIMSLPImport(ctx, environ, args[1:], stdout, stderr)
	case "status", "cancel":
		if len(args) != 2 {
			return errors.New(imslpUsage)
		}
		id, err := uuid.Parse(args[1])
		if err != nil {
			return fmt.Errorf("%q is not a batch id", args[1])
		}
		e, err := setupMigrated(ctx, environ, stderr, "cli")
		if err != nil {
			return err
		}
		defer e.pool.Close()
		var b *imslp.Batch
		if args[0] == "cancel" {
			// The owner's other batches take the cancelled one's jobs: it inserts them.
			var client *workers.Client
			if client, err = workers.NewInsertOnly(e.pool, e.logger, e.cfg.RiverFetchCooldown); err != nil {
				return err
			}
			b, err = imslp.Cancel(ctx, e.pool, client, imslp.Anyone(), id)
		} else {
			b, err = imslp.Status(ctx, e.pool, imslp.Anyone(), id)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, progressLine(b))
		return printProblems(ctx, e, b, stdout)
	}
	return errors.New(imslpUsage)
}

func runIMSLPImport(ctx context.Context, environ, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("imslp import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("user", "", "the user the scores are imported for (created if missing)")
	composer := fs.String("composer", "", `a composer's works, by IMSLP's category name ("Chopin, Frédéric")`)
	instrumentation := fs.String("instrumentation", "", "only works whose instrumentation contains this")
	limit := fs.Int("limit", 0, "at most this many of the composer's works (0: all)")
	detach := fs.Bool("detach", false, "print the batch id and return at once")
	poll := fs.Duration("poll", 500*time.Millisecond, "how often the progress is read")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *poll <= 0 {
		return errors.New(imslpUsage)
	}
	req := imslp.Request{Works: fs.Args(), Composer: *composer, Instrumentation: *instrumentation, Limit: *limit}
	return withUser(ctx, environ, *email, stderr, func(e *env, user *store.User) error {
		client, err := workers.NewInsertOnly(e.pool, e.logger, e.cfg.RiverFetchCooldown)
		if err != nil {
			return err
		}
		id, err := imslp.CreateBatch(ctx, e.pool, client, user.ID, req)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "batch %s: importing for %s\n", id, user.Email)
		if *detach {
			return nil
		}
		return follow(ctx, e, id, *poll, stdout)
	})
}

// follow redraws the batch's progress bar until it ends, then lists what did not import.
// Interrupted, it leaves the batch running.
func follow(ctx context.Context, e *env, id uuid.UUID, every time.Duration, stdout io.Writer) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		b, err := imslp.Status(ctx, e.pool, imslp.Anyone(), id)
		if ctx.Err() != nil {
			fmt.Fprintf(stdout, "\nstopped following; the import goes on: mirubato imslp status %s\n", id)
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, "\r"+progressLine(b))
		if b.Ended() {
			fmt.Fprintln(stdout)
			return printProblems(ctx, e, b, stdout)
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
}

// progressLine is a batch's progress bar and counts on one line.
func progressLine(b *imslp.Batch) string {
	const width = 30
	if b.Status == "listing" {
		return fmt.Sprintf("[%s] listing %s's works…", strings.Repeat("-", width), b.Request.Composer)
	}
	filled := int(b.Progress * width)
	c := b.Counts
	line := fmt.Sprintf("[%s%s] %3.0f%% %d/%d works · %d imported · %d duplicate · %d skipped · %d failed",
		strings.Repeat("#", filled), strings.Repeat("-", width-filled), b.Progress*100, c.Finished(), b.Total,
		c.Imported, c.Duplicate, c.Skipped, c.Failed)
	if c.Cancelled > 0 {
		line += fmt.Sprintf(" · %d cancelled", c.Cancelled)
	}
	if b.Ended() {
		line += " · " + b.Status
	}
	return line
}

// printProblems lists the works that were skipped or failed, and why (the first 20).
func printProblems(ctx context.Context, e *env, b *imslp.Batch, stdout io.Writer) error {
	if b.Error != nil {
		fmt.Fprintln(stdout, "the batch failed:", *b.Error)
	}
	const most = 20
	shown := 0
	for _, state := range []string{"failed", "skipped"} {
		items, err := imslp.Items(ctx, e.pool, imslp.Anyone(), b.ID, state, "", most-shown)
		if err != nil {
			return err
		}
		for _, it := range items {
			reason := ""
			if it.Reason != nil {
				reason = *it.Reason
			}
			fmt.Fprintf(stdout, "  %s %s: %s\n", state, it.Work, reason)
			shown++
		}
	}
	if more := b.Counts.Failed + b.Counts.Skipped - shown; more > 0 {
		fmt.Fprintf(stdout, "  … and %d more (GET /api/import/imslp/%s/items)\n", more, b.ID)
	}
	return nil
}
