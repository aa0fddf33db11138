package memlimit_test

import (
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/memlimit"
)

func TestLimit(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want int64
	}{
		{"128 MB", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128"}, 96 << 20},
		{"10,240 MB", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "10240"}, 7680 << 20},
		{"outside Lambda", map[string]string{}, 0},
		{"not a number", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128MB"}, 0},
		{"zero", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "0"}, 0},
		{"negative", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "-1"}, 0},
		{"absurd", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "9223372036854775807"}, 0},
		{"GOMEMLIMIT wins", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "GOMEMLIMIT": "200MiB"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := memlimit.Limit(func(k string) string { return tc.env[k] }); got != tc.want {
				t.Errorf("Limit = %d, want %d", got, tc.want)
			}
		})
	}
}
