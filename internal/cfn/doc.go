// Package cfn evaluates a CloudFormation or SAM template's intrinsic
// functions against fixed parameter values and the pseudo parameters `sam
// local` uses. It is the one evaluator of the project: local mode
// (internal/samlocal) reads a function's environment, routes and stage with
// it, and the template tests (internal/deploytest) check properties of the
// template as a given set of parameters deploys it.
//
// It follows SAM CLI's intrinsic resolver, not a full CloudFormation model:
// what needs a deployed stack (Fn::ImportValue, Fn::GetAZs, most attributes)
// is [ErrUnresolved] unless the caller says what references to resources
// become ([Evaluator.Refs]). Templates are read with [cfnyaml].
//
// The Lambda build leaves this package out: only local mode and tests import it.
package cfn
