package deploytest

// emf is the one place the deployment tests take the function's Embedded Metric
// Format names from: the readiness alarm and the dashboard must use exactly these.
// If the function's EMF lines change, change them here and the tests name every
// template line that no longer matches.
var emf = struct {
	Namespace                                  string
	ServiceDimension, CheckDimension           string
	ReadinessStatus, CheckStatus, CheckLatency string
	CacheHit                                   string
}{
	Namespace:        "WhatsAppContactProcessor/Health",
	ServiceDimension: "Service",         // HEALTH_SERVICE_ID
	CheckDimension:   "Check",           // the check's name in HEALTH_CHECKS
	ReadinessStatus:  "ReadinessStatus", // 1 healthy, 0 not; per readiness run
	CheckStatus:      "CheckStatus",     // per check, 1 passing, 0 not
	CheckLatency:     "CheckLatency",    // per check, Milliseconds
	CacheHit:         "CacheHit",        // 1 when a run's cached result answered
}

// metricDims is a metric and the dimension names it is published with, sorted.
type metricDims struct {
	namespace, name string
	dims            string // comma-joined, sorted
}

// emitted lists every metric the dashboard and alarms may use: the function's EMF
// metrics, and those AWS services publish for the resources in this template
// (Lambda, API Gateway REST, Route 53 health checks).
func emitted() map[metricDims]bool {
	m := map[metricDims]bool{
		{emf.Namespace, emf.ReadinessStatus, emf.ServiceDimension}:                         true,
		{emf.Namespace, emf.CacheHit, emf.ServiceDimension}:                                true,
		{emf.Namespace, emf.CheckStatus, emf.CheckDimension + "," + emf.ServiceDimension}:  true,
		{emf.Namespace, emf.CheckLatency, emf.CheckDimension + "," + emf.ServiceDimension}: true,
		{"AWS/Route53", "HealthCheckStatus", "HealthCheckId"}:                              true,
		{"AWS/Route53", "HealthCheckPercentageHealthy", "HealthCheckId"}:                   true,
	}
	for _, n := range []string{"Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions"} {
		m[metricDims{"AWS/Lambda", n, "FunctionName"}] = true
	}
	for _, n := range []string{"Count", "4XXError", "5XXError", "Latency", "IntegrationLatency", "CacheHitCount", "CacheMissCount"} {
		m[metricDims{"AWS/ApiGateway", n, "ApiName,Stage"}] = true
	}
	return m
}
