// Package cfnyaml reads CloudFormation and SAM templates written in YAML.
//
// A plain YAML decoder rejects or mangles CloudFormation's short-form
// intrinsic tags (!Ref, !Sub, !GetAtt ...). Decode turns each into the long
// form a JSON template would carry ({"Ref": ...}, {"Fn::Sub": ...}), so
// callers walk one shape of tree whichever form the author wrote. It models
// nothing else of CloudFormation: callers resolve what they need.
package cfnyaml

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Decode parses a template into maps, slices and scalars (string, int,
// float64, bool, nil), with short-form tags in their long form.
func Decode(data []byte) (map[string]any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("cfnyaml: empty document")
	}
	c := &converter{expanding: map[*yaml.Node]bool{}, budget: maxNodes}
	v, err := c.convert(doc.Content[0])
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("cfnyaml: template is a %T, want a mapping", v)
	}
	return m, nil
}

// maxNodes bounds the tree an alias-heavy document expands to: a template
// is a few thousand nodes, a "billion laughs" document is billions.
const maxNodes = 1 << 20

// converter turns a node tree into values. Aliases are expanded, so it
// refuses an alias inside its own anchor (an endless tree) and stops past
// maxNodes.
type converter struct {
	expanding map[*yaml.Node]bool
	budget    int
}

func (c *converter) convert(n *yaml.Node) (any, error) {
	if c.budget--; c.budget < 0 {
		return nil, fmt.Errorf("cfnyaml: line %d: document expands to more than %d nodes (aliases)", n.Line, maxNodes)
	}
	if fn, ok := intrinsic(n.Tag); ok {
		plain := *n
		plain.Tag = "" // decode the tagged node as untagged, then wrap it
		if n.Kind == yaml.ScalarNode {
			plain.Tag = "!!str"
		}
		v, err := c.convert(&plain)
		if err != nil {
			return nil, err
		}
		if s, isStr := v.(string); isStr && fn == "Fn::GetAtt" {
			// !GetAtt Res.Attr is shorthand for [Res, Attr].
			res, attr, _ := strings.Cut(s, ".")
			v = []any{res, attr}
		}
		return map[string]any{fn: v}, nil
	}
	switch n.Kind {
	case yaml.AliasNode:
		if c.expanding[n.Alias] {
			return nil, fmt.Errorf("cfnyaml: line %d: alias *%s refers to itself", n.Line, n.Value)
		}
		c.expanding[n.Alias] = true
		defer delete(c.expanding, n.Alias)
		return c.convert(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			v, err := c.convert(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, child := range n.Content {
			v, err := c.convert(child)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
			return nil, fmt.Errorf("cfnyaml: line %d: unknown tag %s", n.Line, n.Tag)
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("cfnyaml: line %d: %w", n.Line, err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("cfnyaml: line %d: unexpected YAML node", n.Line)
}

// intrinsic maps a short-form tag to its long-form key.
func intrinsic(tag string) (string, bool) {
	switch tag {
	case "!Ref":
		return "Ref", true
	case "!Condition":
		return "Condition", true
	case "!Base64", "!Cidr", "!FindInMap", "!GetAtt", "!GetAZs", "!ImportValue", "!Join",
		"!Select", "!Split", "!Sub", "!Transform", "!And", "!Equals", "!If", "!Not", "!Or",
		"!ToJsonString", "!Length":
		return "Fn::" + tag[1:], true
	}
	return "", false
}
