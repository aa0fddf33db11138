// Package logging builds the service's structured logger.
package logging

import (
	"io"
	"log/slog"
	"strings"
)

// LevelEnv is the variable Lambda's advanced logging controls set from the
// function's LoggingConfig.ApplicationLogLevel.
const LevelEnv = "AWS_LAMBDA_LOG_LEVEL"

// New returns a JSON logger writing to w at the level named by level
// (TRACE, DEBUG, INFO, WARN, ERROR, FATAL as Lambda spells them; default INFO).
// JSON lines are what CloudWatch Logs Insights queries field by field.
func New(w io.Writer, level string) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: parseLevel(level)}))
}

func parseLevel(s string) slog.Level {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "TRACE", "DEBUG":
		return slog.LevelDebug
	case "WARN", "WARNING":
		return slog.LevelWarn
	case "ERROR", "FATAL":
		return slog.LevelError
	}
	return slog.LevelInfo
}
