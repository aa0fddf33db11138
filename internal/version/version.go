// Package version is the build's identity, stamped at link time. Both values
// default to "dev" for `go run`, tests and unstamped builds:
//
//	go build -ldflags "-X github.com/whatsapp-contact-processor/health/internal/version.Version=1.4.0 \
//	  -X github.com/whatsapp-contact-processor/health/internal/version.ReleaseID=$(git rev-parse --short HEAD)"
//
// They appear in the detailed health view (as the IETF draft's version and
// releaseId) only to callers presenting the details token.
package version

var (
	// Version is the public version of the service, e.g. "1.4.0".
	Version = "dev"
	// ReleaseID identifies the exact build, e.g. a commit hash.
	ReleaseID = "dev"
)
