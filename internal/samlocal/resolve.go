package samlocal

import "github.com/whatsapp-contact-processor/health/internal/cfn"

// The evaluator lives in internal/cfn, shared with the template tests; these
// names keep template.go reading as it did.

type resolver struct {
	*cfn.Evaluator
	resources map[string]any
}

var (
	errUnresolved = cfn.ErrUnresolved
	noValue       = cfn.NoValue
	asMap         = cfn.AsMap
	text          = cfn.Text
	mergeGlobals  = cfn.MergeGlobals
)

func newResolver(doc map[string]any, overrides map[string]string) *resolver {
	e := cfn.New(doc, overrides)
	return &resolver{e, e.Resources}
}

func (r *resolver) resolve(v any) (any, error) { return r.Eval(v) }
