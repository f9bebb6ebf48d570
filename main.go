// Command mirubato is the one binary of the platform; its first argument picks the role.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: mirubato <command>

commands:
  api                 serve the HTTP API (Procfile: web)
  worker              work River jobs (Procfile: worker); run as many as you like
  migrate             apply database migrations, then exit (Procfile: release)
  dev                 migrate, then api + worker in one process (local development)
  user token <email>  create the user if missing and print an access token
  user role <email> <user|teacher|admin>
                      set a user's role (admins reach /ops)
  analytics backfill [-batch N] [-concurrency N]
                      recompute every user's practice rollups now, in batches
  imslp import -user EMAIL [-composer NAME [-instrumentation I] [-limit N]] [-detach] [WORK...]
                      import works from IMSLP for a user, with a progress bar
  imslp status|cancel BATCH-ID
                      an IMSLP import's progress, or cancel it

Configuration comes from environment variables; README.md lists them`

func main() { os.Exit(runProcess(os.Args[1:])) }

// runProcess runs the command args as this process, until it ends or a signal stops it,
// and returns the exit code.
func runProcess(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // from here on a second signal ends the process at once
	}()
	err := run(ctx, args, os.Environ(), os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mirubato:", err)
		return 1
	}
	return 0
}

// run dispatches to the role named by args[0].
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "api":
		return runAPI(ctx, environ, stderr)
	case "worker":
		return runWorker(ctx, environ, stderr)
	case "migrate":
		return runMigrate(ctx, environ, stderr)
	case "dev":
		return runDev(ctx, environ, stdout, stderr)
	case "user":
		switch {
		case len(args) == 3 && args[1] == "token":
			return runUserToken(ctx, environ, args[2], stdout, stderr)
		case len(args) == 4 && args[1] == "role":
			return runUserRole(ctx, environ, args[2], args[3], stdout, stderr)
		}
		return errors.New("usage: mirubato user token <email> | mirubato user role <email> <user|teacher|admin>")
	case "analytics":
		if len(args) >= 2 && args[1] == "backfill" {
			return runAnalyticsBackfill(ctx, environ, args[2:], stdout, stderr)
		}
		return errors.New("usage: mirubato analytics backfill [-batch N] [-concurrency N]")
	case "imslp":
		return runIMSLP(ctx, environ, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
	}
}
