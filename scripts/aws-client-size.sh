#!/usr/bin/env bash
# How much the AWS service clients would add to the arm64 bootstrap, against the SigV4
# signer the AWS checks use (docs/readiness.md, "AWS and WhatsApp checks"). Builds three
# small programs in a temporary module, stripped as the bootstrap is, and prints their sizes.
#
#   scripts/aws-client-size.sh        (needs the Go module proxy)
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
go mod init size >/dev/null 2>&1
mkdir base signer clients
cat >base/main.go <<'GO'
package main

import "net/http"

func main() { r, _ := http.NewRequest("POST", "https://x/", nil); http.DefaultClient.Do(r) }
GO
cat >signer/main.go <<'GO'
package main

import (
	"net/http"
	"os"

	"github.com/aws/smithy-go/aws-http-auth/credentials"
	"github.com/aws/smithy-go/aws-http-auth/sigv4"
)

func main() {
	r, _ := http.NewRequest("POST", "https://x/", nil)
	err := sigv4.New().SignRequest(&sigv4.SignRequestInput{Request: r, Credentials: credentials.Credentials{AccessKeyID: os.Getenv("A")}, Service: "dynamodb", Region: "us-east-1"})
	http.DefaultClient.Do(r)
	println(err)
}
GO
cat >clients/main.go <<'GO'
package main

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

func main() {
	ctx := context.Background()
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("a", "b", "c"), HTTPClient: http.DefaultClient}
	dynamodb.NewFromConfig(cfg).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("t")})
	s3.NewFromConfig(cfg).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("b")})
	sqs.NewFromConfig(cfg).GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("q")})
	secretsmanager.NewFromConfig(cfg).DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("s")})
}
GO
go get github.com/aws/smithy-go/aws-http-auth@v1.2.2 github.com/aws/aws-sdk-go-v2@latest github.com/aws/aws-sdk-go-v2/credentials@latest \
	github.com/aws/aws-sdk-go-v2/service/dynamodb@latest github.com/aws/aws-sdk-go-v2/service/s3@latest \
	github.com/aws/aws-sdk-go-v2/service/sqs@latest github.com/aws/aws-sdk-go-v2/service/secretsmanager@latest >/dev/null 2>&1
for p in base signer clients; do
	GOARCH=arm64 CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$p.bin" "./$p"
	printf '%-8s %10d bytes\n' "$p" "$(stat -c %s "$p.bin")"
done
