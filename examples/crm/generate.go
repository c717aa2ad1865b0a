package crm

//go:generate go run github.com/cpcgen/cpcgen/cmd/cpcgen generate
