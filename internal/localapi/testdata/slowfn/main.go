// Command slowfn is a Lambda function for RunProcesses' tests: /sleep
// outlasts any timeout (ignoring its context, as a stuck function does),
// /exit ends the process mid-invocation, anything else answers 200 with the
// process id, so a test can see a process replaced; /nap says "napping" on
// stderr and answers two seconds later. SLOWFN_INIT_SLEEP (a duration)
// makes its init that long.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	if d, err := time.ParseDuration(os.Getenv("SLOWFN_INIT_SLEEP")); err == nil {
		time.Sleep(d)
	}
	lambda.Start(func(_ context.Context, ev struct {
		Path string `json:"path"`
	}) (map[string]any, error) {
		switch path.Base(ev.Path) {
		case "sleep":
			time.Sleep(time.Hour)
		case "exit":
			os.Exit(3)
		case "nap":
			fmt.Fprintln(os.Stderr, "napping")
			time.Sleep(2 * time.Second)
		}
		body, _ := json.Marshal(os.Getpid())
		return map[string]any{"statusCode": 200, "body": fmt.Sprint(string(body))}, nil
	})
}
