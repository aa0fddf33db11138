package cfn

import (
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// ErrUnresolved marks a value that cannot be known without a deployed stack
// (an attribute only a deployed stack has, an import from another stack).
// SAM CLI leaves such values unresolved and an environment variable holding
// one becomes ""; callers decide what an unresolved value means for them.
var ErrUnresolved = errors.New("not resolvable locally")

// NoValue is what Ref AWS::NoValue evaluates to on its own; inside a map or
// a list the key or element holding it is removed.
var NoValue = noValueType{}

type noValueType struct{}

// PseudoParameters are the fake values `sam local` gives the pseudo parameters
// the templates here use (SAM CLI's DEFAULT_PSEUDO_PARAM_VALUES), so a
// template test and local mode see one stack.
var PseudoParameters = map[string]any{
	"AWS::AccountId": "123456789012",
	"AWS::Partition": "aws",
	"AWS::Region":    "us-east-1",
	"AWS::StackName": "local",
	"AWS::URLSuffix": "localhost",
}

// Evaluator evaluates intrinsic functions against fixed parameter values.
type Evaluator struct {
	// Resources is the template's Resources section as written.
	Resources map[string]any
	// Refs gives Ref (attr "") and Fn::GetAtt of a resource, also inside
	// Fn::Sub. Nil: as sam local does, Ref gives the logical id, GetAtt
	// .Arn a Lambda function ARN, and any other attribute ErrUnresolved.
	Refs func(logicalID, attr string) (any, error)

	doc        map[string]any
	params     map[string]any
	conditions map[string]any
	mappings   map[string]any
	condCache  map[string]bool
	condBusy   map[string]bool
}

// New fixes a decoded template's parameters: each takes its Default, then
// its override; pseudo parameters take [PseudoParameters] unless overridden.
func New(doc map[string]any, overrides map[string]string) *Evaluator {
	r := &Evaluator{
		doc:        doc,
		params:     maps.Clone(PseudoParameters),
		Resources:  AsMap(doc["Resources"]),
		conditions: AsMap(doc["Conditions"]),
		mappings:   AsMap(doc["Mappings"]),
		condCache:  map[string]bool{},
		condBusy:   map[string]bool{},
	}
	types := map[string]string{}
	for name, def := range AsMap(doc["Parameters"]) {
		d := AsMap(def)
		types[name], _ = d["Type"].(string)
		if v, ok := d["Default"]; ok {
			r.params[name] = v
		}
	}
	for k, v := range overrides {
		r.params[k] = v
	}
	// A list parameter's Ref is a list, whichever way its value was given.
	for name, typ := range types {
		if s, ok := r.params[name].(string); ok && (typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<")) {
			list := []any{}
			if s != "" {
				for _, p := range strings.Split(s, ",") {
					list = append(list, strings.TrimSpace(p))
				}
			}
			r.params[name] = list
		}
	}
	return r
}

// Eval evaluates every intrinsic function in v.
func (r *Evaluator) Eval(v any) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 1 {
			for k, arg := range v {
				_, named := arg.(string)
				// A lone "Condition" key is an intrinsic only with a name: an
				// IAM statement's Condition block is an object.
				if k == "Ref" || (k == "Condition" && named) || strings.HasPrefix(k, "Fn::") {
					return r.intrinsic(k, arg)
				}
			}
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			rv, err := r.Eval(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			if rv != NoValue {
				out[k] = rv
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(v))
		for i, e := range v {
			rv, err := r.Eval(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			if rv != NoValue {
				out = append(out, rv)
			}
		}
		return out, nil
	}
	return v, nil
}

func (r *Evaluator) intrinsic(fn string, arg any) (any, error) {
	switch fn {
	case "Ref":
		name, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("a Ref needs a name, got %T", arg)
		}
		return r.ref(name)
	case "Condition":
		name, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("a Condition needs a name, got %T", arg)
		}
		return r.Condition(name)
	case "Fn::If":
		args, err := r.args(fn, arg, 3)
		if err != nil {
			return nil, err
		}
		name, ok := args[0].(string)
		if !ok {
			return nil, fmt.Errorf("Fn::If: condition name is a %T", args[0])
		}
		on, err := r.Condition(name)
		if err != nil {
			return nil, err
		}
		if on {
			return r.Eval(args[1])
		}
		return r.Eval(args[2])
	case "Fn::Equals":
		args, err := r.resolvedArgs(fn, arg, 2)
		if err != nil {
			return nil, err
		}
		return Text(args[0]) == Text(args[1]), nil
	case "Fn::Not":
		args, err := r.resolvedArgs(fn, arg, 1)
		if err != nil {
			return nil, err
		}
		b, ok := args[0].(bool)
		if !ok {
			return nil, fmt.Errorf("Fn::Not: %v is not a condition", args[0])
		}
		return !b, nil
	case "Fn::And", "Fn::Or":
		args, err := r.resolvedArgs(fn, arg, -1)
		if err != nil {
			return nil, err
		}
		all := fn == "Fn::And"
		for _, a := range args {
			b, ok := a.(bool)
			if !ok {
				return nil, fmt.Errorf("%s: %v is not a condition", fn, a)
			}
			if b != all {
				return !all, nil
			}
		}
		return all, nil
	case "Fn::Sub":
		return r.sub(arg)
	case "Fn::Join":
		args, err := r.resolvedArgs(fn, arg, 2)
		if err != nil {
			return nil, err
		}
		sep, ok := args[0].(string)
		list, ok2 := args[1].([]any)
		if !ok || !ok2 {
			return nil, fmt.Errorf("Fn::Join: want [delimiter, [values]]")
		}
		parts := make([]string, len(list))
		for i, p := range list {
			parts[i] = Text(p)
		}
		return strings.Join(parts, sep), nil
	case "Fn::Split":
		args, err := r.resolvedArgs(fn, arg, 2)
		if err != nil {
			return nil, err
		}
		sep, ok := args[0].(string)
		s, ok2 := args[1].(string)
		if !ok || !ok2 || sep == "" {
			return nil, fmt.Errorf("Fn::Split: want [delimiter, string]")
		}
		var out []any
		for _, p := range strings.Split(s, sep) {
			out = append(out, p)
		}
		return out, nil
	case "Fn::Select":
		args, err := r.resolvedArgs(fn, arg, 2)
		if err != nil {
			return nil, err
		}
		i, err := strconv.Atoi(Text(args[0]))
		list, ok := args[1].([]any)
		if err != nil || !ok || i < 0 || i >= len(list) {
			return nil, fmt.Errorf("Fn::Select: index %v out of %v", args[0], args[1])
		}
		return list[i], nil
	case "Fn::FindInMap":
		args, err := r.resolvedArgs(fn, arg, 3)
		if err != nil {
			return nil, err
		}
		v, ok := AsMap(AsMap(r.mappings[Text(args[0])])[Text(args[1])])[Text(args[2])]
		if !ok {
			return nil, fmt.Errorf("Fn::FindInMap: no %v/%v/%v in Mappings", args[0], args[1], args[2])
		}
		return v, nil
	case "Fn::GetAtt":
		args, err := r.resolvedArgs(fn, arg, 2)
		if err != nil {
			return nil, err
		}
		return r.getAtt(Text(args[0]), Text(args[1]))
	}
	// Fn::ImportValue, Fn::GetAZs ... need a deployed account (SAM CLI leaves
	// them unresolved too); Fn::Base64, Fn::Cidr ... no template here uses.
	return nil, fmt.Errorf("%s: %w", fn, ErrUnresolved)
}

func (r *Evaluator) args(fn string, arg any, n int) ([]any, error) {
	args, ok := arg.([]any)
	if !ok || (n >= 0 && len(args) != n) {
		return nil, fmt.Errorf("%s: want a list of %d arguments, got %v", fn, n, arg)
	}
	return args, nil
}

func (r *Evaluator) resolvedArgs(fn string, arg any, n int) ([]any, error) {
	args, err := r.args(fn, arg, n)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(args))
	for i, a := range args {
		if out[i], err = r.Eval(a); err != nil {
			return nil, fmt.Errorf("%s: %w", fn, err)
		}
	}
	return out, nil
}

// ref follows SAM CLI's symbol table: parameters and pseudo parameters by
// value, AWS::NoValue removes the property, and a resource (or a parameter
// with neither default nor override) by its logical id.
func (r *Evaluator) ref(name string) (any, error) {
	if name == "AWS::NoValue" {
		return NoValue, nil
	}
	if v, ok := r.params[name]; ok {
		return v, nil
	}
	if strings.HasPrefix(name, "AWS::") {
		return nil, fmt.Errorf("pseudo parameter %s: %w", name, ErrUnresolved)
	}
	if r.Refs != nil {
		return r.Refs(name, "")
	}
	return name, nil
}

// getAtt, without Refs, knows only .Arn, which SAM CLI fakes as a Lambda
// function ARN whatever the resource.
func (r *Evaluator) getAtt(res, attr string) (any, error) {
	if r.Refs != nil {
		return r.Refs(res, attr)
	}
	if attr != "Arn" {
		return nil, fmt.Errorf("Fn::GetAtt %s.%s: %w", res, attr, ErrUnresolved)
	}
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s",
		Text(r.params["AWS::Partition"]), Text(r.params["AWS::Region"]), Text(r.params["AWS::AccountId"]), res), nil
}

// Condition evaluates the named condition of the template's Conditions.
func (r *Evaluator) Condition(name string) (bool, error) {
	if v, ok := r.condCache[name]; ok {
		return v, nil
	}
	def, ok := r.conditions[name]
	if !ok {
		return false, fmt.Errorf("condition %q is not defined", name)
	}
	if r.condBusy[name] {
		return false, fmt.Errorf("condition %q refers to itself", name)
	}
	r.condBusy[name] = true
	defer delete(r.condBusy, name)
	v, err := r.Eval(def)
	if err != nil {
		return false, fmt.Errorf("condition %q: %w", name, err)
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("condition %q is a %T, not a condition function", name, v)
	}
	r.condCache[name] = b
	return b, nil
}

// sub evaluates Fn::Sub: "${Name}", "${Res.Attr}", and "${!Literal}" for a
// literal "${Literal}".
func (r *Evaluator) sub(arg any) (any, error) {
	var tmpl string
	vars := map[string]any{}
	switch a := arg.(type) {
	case string:
		tmpl = a
	case []any:
		if len(a) != 2 {
			return nil, fmt.Errorf("Fn::Sub: want a string or [string, {variables}]")
		}
		s, ok := a[0].(string)
		if !ok {
			return nil, fmt.Errorf("Fn::Sub: template is a %T", a[0])
		}
		tmpl = s
		for k, v := range AsMap(a[1]) {
			rv, err := r.Eval(v)
			if err != nil {
				return nil, fmt.Errorf("Fn::Sub variable %s: %w", k, err)
			}
			vars[k] = rv
		}
	default:
		return nil, fmt.Errorf("Fn::Sub: want a string or [string, {variables}], got %T", arg)
	}
	var b strings.Builder
	for {
		i := strings.Index(tmpl, "${")
		if i < 0 {
			b.WriteString(tmpl)
			return b.String(), nil
		}
		b.WriteString(tmpl[:i])
		rest := tmpl[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			return nil, fmt.Errorf("Fn::Sub: unterminated ${ in %q", arg)
		}
		name := rest[:j]
		tmpl = rest[j+1:]
		if strings.HasPrefix(name, "!") {
			b.WriteString("${" + name[1:] + "}")
			continue
		}
		name = strings.TrimSpace(name)
		var v any
		var err error
		if val, ok := vars[name]; ok {
			v = val
		} else if res, attr, dotted := strings.Cut(name, "."); dotted && !strings.HasPrefix(name, "AWS::") {
			v, err = r.getAtt(res, attr)
		} else {
			v, err = r.ref(name)
		}
		if err != nil {
			return nil, fmt.Errorf("Fn::Sub: %w", err)
		}
		b.WriteString(Text(v))
	}
}

// Template evaluates the whole template as CloudFormation would deploy it:
// Globals merged (and dropped, as the SAM transform does), resources and
// outputs whose Condition is false left out. Parameters, Conditions and
// Rules stay as written.
func (r *Evaluator) Template() (map[string]any, error) {
	out := map[string]any{}
	globals := AsMap(r.doc["Globals"])
	for section, v := range r.doc {
		switch section {
		case "Parameters", "Conditions", "Rules":
			out[section] = v
		case "Globals":
		case "Resources", "Outputs":
			kept := map[string]any{}
			for id, item := range AsMap(v) {
				m := AsMap(item)
				if c, ok := m["Condition"].(string); ok {
					on, err := r.Condition(c)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", id, err)
					}
					if !on {
						continue
					}
				}
				if g := AsMap(globals[strings.TrimPrefix(Text(m["Type"]), "AWS::Serverless::")]); g != nil && strings.HasPrefix(Text(m["Type"]), "AWS::Serverless::") {
					m = maps.Clone(m)
					m["Properties"] = MergeGlobals(g, m["Properties"])
				}
				ev, err := r.Eval(m)
				if err != nil {
					return nil, fmt.Errorf("%s %s: %w", section, id, err)
				}
				kept[id] = ev
			}
			out[section] = kept
		default:
			ev, err := r.Eval(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", section, err)
			}
			out[section] = ev
		}
	}
	return out, nil
}

// AsMap is v as a map, nil when it is not one.
func AsMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// Text renders a scalar as CloudFormation does when it needs a string.
func Text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = Text(p)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}
