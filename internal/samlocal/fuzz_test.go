package samlocal_test

import (
	"testing"

	"github.com/whatsapp-contact-processor/health/internal/samlocal"
)

// FuzzFunction reads arbitrary templates: Parse and Function return errors,
// never panic or loop, and an accepted function's routes are well formed.
func FuzzFunction(f *testing.F) {
	f.Add([]byte(fnYAML("Timeout: !Ref T, Events: {E: {Type: Api, Properties: {Path: '/a/{b+}', Method: any}}}")), "T=3")
	f.Add([]byte("Conditions: {A: !Condition B, B: !Condition A}\n"+fnYAML("Environment: {Variables: {V: !If [A, x, y]}}")), "")
	f.Add([]byte(fnYAML("Environment: {Variables: {V: !Sub ['${x}${!y}', {x: !Select [0, !Split [',', !Ref P]]}]}}")), "P=a,b")
	f.Add([]byte("Globals: {Function: {Environment: {Variables: [1]}}}\n"+fnYAML("Environment: {Variables: {A: !GetAtt Fn.Arn}}")), "")
	f.Fuzz(func(t *testing.T, tmpl []byte, overrides string) {
		params, err := samlocal.ParseParameterOverrides(overrides)
		if err != nil {
			return
		}
		tm, err := samlocal.Parse(tmpl, params)
		if err != nil {
			return
		}
		fn, err := tm.Function("Fn")
		if err != nil {
			return
		}
		if fn.Timeout <= 0 {
			t.Fatalf("timeout %v", fn.Timeout)
		}
		for _, r := range fn.Routes {
			if len(r.Path) == 0 || r.Path[0] != '/' || len(r.Methods) == 0 || r.API.Stage == "" {
				t.Fatalf("route %+v", r)
			}
		}
	})
}
