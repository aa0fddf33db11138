package config_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/whatsapp-contact-processor/health/internal/config"
)

const token = "0123456789abcdef0123456789abcdef" // 32 characters

func TestLoad(t *testing.T) {
	zero := time.Duration(0)
	tests := []struct {
		name  string
		env   map[string]string
		check func(config.Config) bool
	}{
		{"empty is the default", nil, func(c config.Config) bool { return reflect.DeepEqual(c, config.Default()) }},
		{"origins trimmed", map[string]string{"CORS_ALLOWED_ORIGINS": " https://a.example , https://*.b.example ,"},
			func(c config.Config) bool {
				return reflect.DeepEqual(c.AllowedOrigins, []string{"https://a.example", "https://*.b.example"})
			}},
		{"blank origins keep *", map[string]string{"CORS_ALLOWED_ORIGINS": " , "},
			func(c config.Config) bool { return reflect.DeepEqual(c.AllowedOrigins, []string{"*"}) }},
		{"base path", map[string]string{"BASE_PATH": "/api"}, func(c config.Config) bool { return c.BasePath == "/api" }},
		{"service id", map[string]string{"HEALTH_SERVICE_ID": " x "}, func(c config.Config) bool { return c.ServiceID == "x" }},
		{"token", map[string]string{"HEALTH_DETAILS_TOKEN": token}, func(c config.Config) bool { return c.DetailsToken == token }},
		{"drain", map[string]string{"HEALTH_DRAIN": " true "}, func(c config.Config) bool { return c.Drain }},
		{"drain TRUE", map[string]string{"HEALTH_DRAIN": "TRUE"}, func(c config.Config) bool { return c.Drain }},
		{"no drain", map[string]string{"HEALTH_DRAIN": "false"}, func(c config.Config) bool { return !c.Drain }},
		{"public checks", map[string]string{"HEALTH_PUBLIC_CHECKS": "true"}, func(c config.Config) bool { return c.PublicChecks }},
		{"warn days", map[string]string{"HEALTH_CERT_WARN_DAYS": "30"}, func(c config.Config) bool { return c.CertWarnDays == 30 }},
		{"cache off", map[string]string{"HEALTH_CACHE_TTL": "0"}, func(c config.Config) bool { return c.CacheTTL != nil && *c.CacheTTL == zero }},
		{"budget", map[string]string{"HEALTH_CHECK_BUDGET": "1s"}, func(c config.Config) bool { return c.CheckBudget == time.Second }},
		{"checks", map[string]string{"HEALTH_CHECKS": "db=tcp://db.internal:5432;crm=https://crm.example/health,noncritical,timeout=500ms"},
			func(c config.Config) bool {
				return len(c.Checks) == 2 && c.Checks[0].Name == "db" && c.Checks[0].Critical && !c.Checks[1].Critical && c.Checks[1].Timeout == 500*time.Millisecond
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Load(func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(cfg) {
				t.Errorf("got %+v", cfg)
			}
		})
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"short token", map[string]string{"HEALTH_DETAILS_TOKEN": "hunter2-but-31-characters-long!"}, "HEALTH_DETAILS_TOKEN is shorter than 32 characters"},
		{"bad public checks", map[string]string{"HEALTH_PUBLIC_CHECKS": "yes"}, `HEALTH_PUBLIC_CHECKS "yes"`},
		{"bad drain", map[string]string{"HEALTH_DRAIN": "yes"}, `HEALTH_DRAIN "yes"`},
		{"bad warn days", map[string]string{"HEALTH_CERT_WARN_DAYS": "-1"}, `HEALTH_CERT_WARN_DAYS "-1"`},
		{"bad origin", map[string]string{"CORS_ALLOWED_ORIGINS": "https://a.example,https://b.example/path"}, `CORS_ALLOWED_ORIGINS entry 2: "https://b.example/path" is not an origin`},
		{"wildcard inside an origin", map[string]string{"CORS_ALLOWED_ORIGINS": "https://a.*.example"}, `CORS_ALLOWED_ORIGINS entry 1`},
		{"bad entry", map[string]string{"HEALTH_CHECKS": "db=tcp://db.internal:5432;crm=ftp://crm"}, `HEALTH_CHECKS entry 2 ("crm"): unsupported scheme "ftp"`},
		{"unknown option", map[string]string{"HEALTH_CHECKS": "db=tcp://db:5432,sometimes"}, `HEALTH_CHECKS entry 1 ("db"): unknown option "sometimes"`},
		{"bad budget", map[string]string{"HEALTH_CHECK_BUDGET": "fast"}, `HEALTH_CHECK_BUDGET "fast"`},
		{"zero budget", map[string]string{"HEALTH_CHECK_BUDGET": "0s"}, `HEALTH_CHECK_BUDGET "0s"`},
		{"bad TTL", map[string]string{"HEALTH_CACHE_TTL": "-1s"}, `HEALTH_CACHE_TTL "-1s"`},
		{"timeout over the budget", map[string]string{"HEALTH_CHECKS": "db=tcp://db:1,timeout=2s"}, `HEALTH_CHECKS entry 1 ("db"): timeout 2s exceeds HEALTH_CHECK_BUDGET 1.5s`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Load(func(k string) string { return tc.env[k] })
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error repeats the token: %v", err)
			}
		})
	}
}
