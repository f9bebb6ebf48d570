// Package queues names the River queues and their default concurrency. Pipelines put their
// jobs on these queues; the worker process works all of them.
package queues

import "github.com/riverqueue/river"

// The queues. A pipeline's job args return one of these from InsertOpts.
const (
	Default    = river.QueueDefault
	Scores     = "scores"
	IMSLP      = "imslp"
	Dictionary = "dictionary"
	Analytics  = "analytics"
	Sync       = "sync"
)

// All returns every queue name in a stable order.
func All() []string {
	return []string{Default, Scores, IMSLP, Dictionary, Analytics, Sync}
}

// DefaultMaxWorkers returns how many jobs of each queue one worker process runs at once,
// before RIVER_MAX_WORKERS overrides. CPU-heavy queues (scores: PDF work) are kept small on
// purpose; the I/O-bound ones are wide.
func DefaultMaxWorkers() map[string]int {
	return map[string]int{
		Default:    100,
		Scores:     4,
		IMSLP:      10,
		Dictionary: 20,
		Analytics:  10,
		Sync:       50,
	}
}
