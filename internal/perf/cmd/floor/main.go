// Command floor is the cold-start floor: a hand-written REST API handler
// started with lambda.Start, no net/http in the invocation path. It is built
// exactly as the function is (CGO_ENABLED=0, -tags lambda.norpc).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/whatsapp-contact-processor/health/internal/perf"
)

func main() { lambda.Start(perf.FloorREST) }
