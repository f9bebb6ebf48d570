// Package logging builds the process's slog logger from its configuration.
package logging

import (
	"io"
	"log/slog"

	"github.com/mirubato/mirubato/internal/config"
)

// New returns a logger writing to w. The format is JSON unless LOG_FORMAT=text, or LOG_FORMAT
// is empty in development, where text is easier to read.
func New(w io.Writer, cfg *config.Config) *slog.Logger {
	level, _ := config.ParseLevel(cfg.LogLevel) // validated by config.Load
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" || (cfg.LogFormat == "" && cfg.Development()) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
