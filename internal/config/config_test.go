package config_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/config"
)

const dbURL = "postgres://app:s3cret-pw@db.internal:5432/mirubato?sslmode=require"

func TestLoad(t *testing.T) {
	t.Parallel()

	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		cfg, err := config.Load([]string{"DATABASE_URL=" + dbURL, "AUTH_SECRET=" + strings.Repeat("k", 32),
			"PUBLIC_URL=https://mirubato.example", "SMTP_URL=smtp://u:p@mail.example:587"})
		require.NoError(t, err)
		require.False(t, cfg.Development(), "production unless told otherwise")
		require.Equal(t, 8080, cfg.Port)
		require.Equal(t, ":8080", cfg.ListenAddr())

		dev, err := config.Load([]string{"DATABASE_URL=" + dbURL, "MIRUBATO_ENV=development"})
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1:8080", dev.ListenAddr(), "development binds loopback")
		require.Equal(t, time.Millisecond, cfg.RiverFetchCooldown)
		require.Equal(t, 4, cfg.MaxWorkers()["scores"])
		require.Equal(t, 90, cfg.SyncRetentionDays)
		require.Empty(t, cfg.OpenAIVisionModel, "the vision path asks OPENAI_MODEL unless told otherwise")
	})

	t.Run("Overrides", func(t *testing.T) {
		t.Parallel()
		cfg, err := config.Load([]string{
			"DATABASE_URL=" + dbURL, "PORT=5000", "MIRUBATO_ENV=production",
			"PUBLIC_URL=https://mirubato.example", "SMTP_URL=smtp://u:p@mail.example:587",
			"AUTH_SECRET=" + strings.Repeat("k", 32), "RIVER_MAX_WORKERS=scores=2,default=7",
			"RIVER_FETCH_COOLDOWN=5ms", "SYNC_RETENTION_DAYS=30", "OPENAI_VISION_MODEL=gpt-4o",
		})
		require.NoError(t, err)
		require.Equal(t, ":5000", cfg.ListenAddr(), "production binds every interface")
		require.Equal(t, 2, cfg.MaxWorkers()["scores"])
		require.Equal(t, 7, cfg.MaxWorkers()["default"])
		require.Equal(t, 50, cfg.MaxWorkers()["sync"], "queues not named keep their default")
		require.Equal(t, 5*time.Millisecond, cfg.RiverFetchCooldown)
		require.Equal(t, 30, cfg.SyncRetentionDays)
		require.Equal(t, "gpt-4o", cfg.OpenAIVisionModel)

		dedicated, err := config.Load([]string{"DATABASE_URL=" + dbURL, "MIRUBATO_ENV=development", "WORKER_QUEUES=imslp,scores",
			"RIVER_MAX_WORKERS=imslp=3"})
		require.NoError(t, err)
		require.Equal(t, map[string]int{"imslp": 3, "scores": 4}, dedicated.MaxWorkers(), "only the queues named")
	})

	// Each bad setting gets an error that names the variable.
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{"MissingDatabaseURL", nil, "DATABASE_URL: required but not set"},
		{"ProductionByDefaultNeedsSecret", []string{"DATABASE_URL=" + dbURL}, "AUTH_SECRET: must be set"},
		{"BadDatabaseURL", []string{"DATABASE_URL=mysql://x"}, "DATABASE_URL: must be a postgres:// URL"},
		{"PortNotANumber", []string{"DATABASE_URL=" + dbURL, "PORT=eighty"}, "PORT: not a valid whole number"},
		{"PortOutOfRange", []string{"DATABASE_URL=" + dbURL, "PORT=70000"}, "PORT: must be between 0 and 65535"},
		{"BadDuration", []string{"DATABASE_URL=" + dbURL, "SHUTDOWN_TIMEOUT=soon"}, "SHUTDOWN_TIMEOUT: not a valid duration"},
		{"BadEnv", []string{"DATABASE_URL=" + dbURL, "MIRUBATO_ENV=staging"}, "MIRUBATO_ENV"},
		{"ProductionWithoutSecret", []string{"DATABASE_URL=" + dbURL, "MIRUBATO_ENV=production"}, "AUTH_SECRET"},
		{"UnknownQueue", []string{"DATABASE_URL=" + dbURL, "RIVER_MAX_WORKERS=printing=3"}, `RIVER_MAX_WORKERS: unknown queue "printing"`},
		{"BadQueueSyntax", []string{"DATABASE_URL=" + dbURL, "RIVER_MAX_WORKERS=scores"}, "RIVER_MAX_WORKERS: not a valid list of name=number pairs"},
		{"CooldownTooShort", []string{"DATABASE_URL=" + dbURL, "RIVER_FETCH_COOLDOWN=100us"}, "RIVER_FETCH_COOLDOWN"},
		{"OpsHalfSet", []string{"DATABASE_URL=" + dbURL, "OPS_USERNAME=ops"}, "OPS_USERNAME/OPS_PASSWORD"},
		{"BadLogLevel", []string{"DATABASE_URL=" + dbURL, "LOG_LEVEL=loud"}, "LOG_LEVEL"},
		{"BadIMSLPURL", []string{"DATABASE_URL=" + dbURL, "IMSLP_BASE_URL=imslp.org"}, "IMSLP_BASE_URL: must be an http(s) URL"},
		{"IMSLPRateTooHigh", []string{"DATABASE_URL=" + dbURL, "IMSLP_RATE=500"}, "IMSLP_RATE"},
		{"UnknownJurisdiction", []string{"DATABASE_URL=" + dbURL, "IMSLP_JURISDICTION=uk"}, "IMSLP_JURISDICTION: must be us, eu or ca"},
		{"SyncRetentionZero", []string{"DATABASE_URL=" + dbURL, "SYNC_RETENTION_DAYS=0"}, "SYNC_RETENTION_DAYS: must be between 1 and 3650 days"},
		{"SyncRetentionNotANumber", []string{"DATABASE_URL=" + dbURL, "SYNC_RETENTION_DAYS=90d"}, "SYNC_RETENTION_DAYS: not a valid whole number"},
		{"IMSLPTimeoutTooShort", []string{"DATABASE_URL=" + dbURL, "IMSLP_JOB_TIMEOUT=500ms"}, "IMSLP_JOB_TIMEOUT: must be at least 1s"},
		{"RescueNotOverJobTimeout", []string{"DATABASE_URL=" + dbURL, "RIVER_RESCUE_STUCK_AFTER=1m"}, "RIVER_RESCUE_STUCK_AFTER: must be longer than RIVER_JOB_TIMEOUT"},
		{"UnknownWorkerQueue", []string{"DATABASE_URL=" + dbURL, "WORKER_QUEUES=imslp,printing"}, `WORKER_QUEUES: unknown queue "printing"`},
		{"BadWorkerID", []string{"DATABASE_URL=" + dbURL, "WORKER_ID=web 1"}, "WORKER_ID"},
		{"BadPublicURL", []string{"DATABASE_URL=" + dbURL, "PUBLIC_URL=mirubato.example"}, "PUBLIC_URL: must be an http(s) URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := tc.env
			if tc.name != "ProductionByDefaultNeedsSecret" && tc.name != "ProductionWithoutSecret" && tc.name != "BadEnv" {
				env = append([]string{"MIRUBATO_ENV=development"}, env...)
			}
			_, err := config.Load(env)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}

	t.Run("EveryProblemAtOnce", func(t *testing.T) {
		t.Parallel()
		_, err := config.Load([]string{"MIRUBATO_ENV=development", "DATABASE_URL=" + dbURL, "PORT=-1", "LOG_LEVEL=loud"})
		require.ErrorContains(t, err, "PORT")
		require.ErrorContains(t, err, "LOG_LEVEL")
	})
}

func TestLogValueMasksSecrets(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load([]string{
		"MIRUBATO_ENV=development", "DATABASE_URL=" + dbURL, "AUTH_SECRET=" + strings.Repeat("z", 40),
		"OPS_USERNAME=ops", "OPS_PASSWORD=hunter2hunter2", "SMTP_URL=smtp://mailer:mail-pw-123@smtp.example:587",
	})
	require.NoError(t, err)
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("starting", slog.Any("config", cfg))
	out := buf.String()
	require.NotContains(t, out, "s3cret-pw")
	require.NotContains(t, out, strings.Repeat("z", 40))
	require.NotContains(t, out, "hunter2")
	require.NotContains(t, out, "mail-pw-123")
	require.Contains(t, out, `"SMTP_URL":"smtp://mailer:xxxxx@smtp.example:587"`)
	require.Contains(t, out, `"DATABASE_URL":"postgres://app:xxxxx@db.internal:5432/mirubato?sslmode=require"`)
	require.Contains(t, out, `"OPS_USERNAME":"ops"`)
	require.Contains(t, out, `"PORT":8080`)
}
