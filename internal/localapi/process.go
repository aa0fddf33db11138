package localapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// initTimeout is Lambda's limit on a function's init phase.
const initTimeout = 10 * time.Second

// process is a function run as its own process, as `sam local` runs one in
// its own container: the function's bootstrap, with only the environment
// the template gives it, fetching invocations from a Lambda Runtime API
// served here (the protocol of Lambda and of its runtime emulator). It runs
// one invocation at a time, as one warm container does; a timeout or a
// crash stops it, and the next invocation starts a new one (a cold start).
type process struct {
	name, path string
	env        map[string]string
	output     io.Writer // the function's stdout and stderr

	mu   sync.Mutex // held for a whole invocation, and while starting
	live *instance
}

type instance struct {
	cmd    *exec.Cmd
	next   chan invocation // to the runtime's GET .../invocation/next
	result chan invokeResult
	ready  chan struct{} // closed at the first GET .../next: init is done
	exited chan struct{} // closed once the process has ended
	stderr tail
	why    error // why it ended; read after exited is closed
}

type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
}

type invokeResult struct {
	out []byte
	err error
}

// Invoke sends payload to the process, starting it first if need be.
func (p *process) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in, err := p.startLocked(ctx)
	if err != nil {
		return nil, err
	}
	// function.invoke gives every invocation its request id and deadline.
	lc, _ := lambdacontext.FromContext(ctx)
	deadline, _ := ctx.Deadline()
	select {
	case in.next <- invocation{lc.AwsRequestID, payload, deadline}:
	case <-in.exited:
		return nil, in.why
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case res := <-in.result:
		return res.out, res.err
	case <-in.exited:
		return nil, in.why
	case <-ctx.Done():
		// Lambda stops a function that runs past its timeout.
		p.killLocked()
		return nil, ctx.Err()
	}
}

// start starts the process unless it runs, and waits for its init.
func (p *process) start(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err := p.startLocked(ctx)
	return err
}

func (p *process) startLocked(ctx context.Context) (*instance, error) {
	if in := p.live; in != nil {
		select {
		case <-in.exited:
		default:
			return in, nil
		}
	}
	p.live = nil
	if p.path == "" {
		return nil, fmt.Errorf("no executable for %s (no functions/<name> for it, or it did not build)", p.name)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	in := &instance{next: make(chan invocation), result: make(chan invokeResult, 1), ready: make(chan struct{}), exited: make(chan struct{})}
	srv := &http.Server{Handler: in.runtimeAPI(p.name), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()

	in.cmd = exec.Command(p.path)
	in.cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String()}
	for k, v := range p.env {
		in.cmd.Env = append(in.cmd.Env, k+"="+v)
	}
	in.cmd.Stdout = p.output
	in.cmd.Stderr = io.MultiWriter(p.output, &in.stderr)
	if err := in.cmd.Start(); err != nil {
		_ = srv.Close()
		return nil, err
	}
	go func() {
		err := in.cmd.Wait()
		_ = srv.Close()
		if line := in.stderr.last(); line != "" {
			err = fmt.Errorf("%w: %s", err, line)
		}
		in.why = fmt.Errorf("%s exited: %w", p.name, err)
		close(in.exited)
	}()
	select {
	case <-in.ready:
		p.live = in
		return in, nil
	case <-in.exited:
		return nil, in.why
	case <-time.After(initTimeout):
		err = fmt.Errorf("%s did not finish its init within %s", p.name, initTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	}
	_ = in.cmd.Process.Kill()
	<-in.exited
	return nil, err
}

// stop ends the process, if it runs.
func (p *process) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killLocked()
}

func (p *process) killLocked() {
	if in := p.live; in != nil {
		_ = in.cmd.Process.Kill()
		<-in.exited
		p.live = nil
	}
}

// runtimeAPI is the part of the Lambda Runtime API a Go runtime uses
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
func (in *instance) runtimeAPI(name string) http.Handler {
	const base = "/2018-06-01/runtime/"
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+base+"invocation/next", func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(in.ready) })
		select {
		case inv := <-in.next:
			h := w.Header()
			h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
			h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
			h.Set("Lambda-Runtime-Invoked-Function-Arn", functionARN(name))
			h.Set("Content-Type", "application/json")
			_, _ = w.Write(inv.payload)
		case <-r.Context().Done():
		}
	})
	reply := func(w http.ResponseWriter, r *http.Request, fail bool) {
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
		switch {
		case err != nil:
			err = fmt.Errorf("reading the function's answer: %w", err)
		case len(body) > MaxBodyBytes:
			err = errors.New("the function's answer is larger than 6 MB")
		case fail:
			err = fmt.Errorf("function error: %s", errorMessage(body))
		}
		select {
		case in.result <- invokeResult{body, err}:
		default: // not one invocation in flight: nobody waits for it
		}
		w.WriteHeader(http.StatusAccepted)
	}
	mux.HandleFunc("POST "+base+"invocation/{id}/response", func(w http.ResponseWriter, r *http.Request) { reply(w, r, false) })
	mux.HandleFunc("POST "+base+"invocation/{id}/error", func(w http.ResponseWriter, r *http.Request) { reply(w, r, true) })
	return mux
}

// errorMessage is the errorMessage of a Runtime API error document, or the
// document itself.
func errorMessage(body []byte) string {
	var doc struct {
		Message string `json:"errorMessage"`
	}
	if json.Unmarshal(body, &doc) == nil && doc.Message != "" {
		return doc.Message
	}
	return string(bytes.TrimSpace(body))
}

// tail keeps the end of a process's stderr, to say why it ended. Only
// exec's copying goroutine writes it, and it is read after Wait.
type tail []byte

func (t *tail) Write(p []byte) (int, error) {
	*t = append(*t, p...)
	if len(*t) > 4096 {
		*t = (*t)[len(*t)-4096:]
	}
	return len(p), nil
}

// last is the last non-empty line written.
func (t tail) last() string {
	b := bytes.TrimSpace(t)
	return string(b[bytes.LastIndexByte(b, '\n')+1:])
}
