package probe

import (
	"crypto/x509"
	"sync/atomic"
	"testing"
)

// FakeSystemCertPool makes the probes' "system" pool pool, and counts how
// often it is loaded, until the test ends.
func FakeSystemCertPool(t *testing.T, pool *x509.CertPool) *atomic.Int32 {
	var n atomic.Int32
	orig := systemCertPool
	systemCertPool = func() (*x509.CertPool, error) { n.Add(1); return pool, nil }
	t.Cleanup(func() { systemCertPool = orig })
	return &n
}
