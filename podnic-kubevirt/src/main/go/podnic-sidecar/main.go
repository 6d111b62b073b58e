// podnic-sidecar answers KubeVirt's hook gRPC for podnic's network binding: it runs beside
// virt-launcher's compute container (KubeVirt starts it from the binding's sidecarImage, without
// arguments) and, for each VMI interface bound to this plugin, adds the domain <interface> that plugs
// the VM into the tap the podnic node daemon prepared in the pod.
//
// It is a small static Go program, not the JVM: virt-launcher waits for hook sidecars before it starts
// the VM, gives Info one second, and KubeVirt limits a guaranteed-QoS VM's sidecar to 200m CPU and 64M
// memory (docs/kubevirt.md, "The sidecar"). gRPC and protobuf are Debian's Go packages; the messages
// come from KubeVirt's own .proto files (src/main/proto), compiled at build time.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	info "podnic.dev/kubevirt/hooks/info"
	hooks "podnic.dev/kubevirt/hooks/v1alpha3"
)

const (
	hookName      = "podnic"
	hookVersion   = "v1alpha3"
	defaultDir    = "/var/run/kubevirt-hooks"
	memoryLimit   = 24 << 20 // the Go heap's soft limit: far below KubeVirt's 64M for the whole container
	socketPerm    = 0o660
	shutdownGrace = 5 * time.Second
)

func main() {
	flags := flag.NewFlagSet("podnic-sidecar", flag.ContinueOnError)
	flags.SetOutput(os.Stderr)
	dir := flags.String("socket-dir", defaultDir, "where virt-launcher looks for hook sockets (KubeVirt mounts it there)")
	binding := flags.String("binding-name", bindingNameFromEnv(),
		"the name the binding is registered under in the KubeVirt CR: interfaces whose binding.name is this are the sidecar's\n"+
			"(default: $NETWORK_BINDING_PLUGIN_NAME, which KubeVirt sets from 1.9 on, else podnic)")
	flags.Usage = func() {
		fmt.Fprintf(os.Stderr, `podnic-sidecar: the sidecar of podnic's KubeVirt network binding.

KubeVirt starts it from the binding's sidecarImage beside virt-launcher (no arguments; the image's
entry point runs it when /var/run/kubevirt-hooks is mounted). It serves KubeVirt's hook API
(Info, v1alpha3 OnDefineDomain and Shutdown) on <socket-dir>/%s.sock and, for every VMI interface
bound to this plugin, writes the domain <interface> for the tap the podnic node daemon prepared.
Unprivileged; exits when virt-launcher says the VM shut down. See docs/kubevirt.md.

  podnic-sidecar [--socket-dir DIR] [--binding-name NAME]

`, hookName)
		flags.PrintDefaults()
	}
	if err := flags.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "podnic-sidecar: unexpected argument %q (see --help)\n", flags.Arg(0))
		os.Exit(2)
	}
	debug.SetMemoryLimit(memoryLimit)
	os.Exit(run(*dir, *binding))
}

func bindingNameFromEnv() string {
	if n := os.Getenv("NETWORK_BINDING_PLUGIN_NAME"); n != "" {
		return n
	}
	return hookName
}

func run(dir, binding string) int {
	socket := strings.TrimSuffix(dir, "/") + "/" + hookName + ".sock"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		logf("error", "cannot create the hooks directory: %v", err)
		return 1
	}
	if err := os.Remove(socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		logf("error", "cannot replace the stale socket %s: %v", socket, err)
		return 1
	}
	listener, err := net.Listen("unix", socket)
	if err != nil {
		logf("error", "cannot listen on %s: %v", socket, err)
		return 1
	}
	_ = os.Chmod(socket, socketPerm)
	done := make(chan string, 2)
	server := grpc.NewServer()
	info.RegisterInfoServer(server, infoServer{})
	hooks.RegisterCallbacksServer(server, &callbacks{binding: binding, links: ownLinks, done: done})
	go func() {
		if err := server.Serve(listener); err != nil {
			done <- "serving failed: " + err.Error()
		}
	}()
	logf("info", "serving KubeVirt hooks %s on %s for binding %s", hookVersion, socket, binding)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	select {
	case why := <-done:
		logf("info", "%s: exiting", why)
	case s := <-signals:
		logf("info", "%s: exiting", s)
	}
	stopped := make(chan struct{})
	go func() { server.GracefulStop(); close(stopped) }() // lets the Shutdown answer reach virt-launcher
	select {
	case <-stopped:
	case <-time.After(shutdownGrace):
		server.Stop()
	}
	_ = os.Remove(socket)
	return 0
}

// ownLinks reads the pod's links from the sidecar's own network namespace (the pod's): no privilege needed.
func ownLinks(name string) (int, bool) {
	i, err := net.InterfaceByName(name)
	if err != nil {
		return 0, false
	}
	return i.MTU, true
}

type infoServer struct {
	info.UnimplementedInfoServer
}

func (infoServer) Info(context.Context, *info.InfoParams) (*info.InfoResult, error) {
	return &info.InfoResult{
		Name:     hookName,
		Versions: []string{hookVersion},
		// PreCloudInitIso is not subscribed: virt-launcher calls it even for VMs without cloud-init.
		HookPoints: []*info.HookPoint{{Name: "OnDefineDomain"}, {Name: "Shutdown"}},
	}, nil
}

type callbacks struct {
	hooks.UnimplementedCallbacksServer
	binding string
	links   podLinks
	done    chan<- string
}

func (c *callbacks) OnDefineDomain(_ context.Context, p *hooks.OnDefineDomainParams) (*hooks.OnDefineDomainResult, error) {
	domain, err := defineDomain(p.DomainXML, p.Vmi, c.binding, c.links)
	if err != nil {
		logf("warn", "OnDefineDomain refused: %v", err)
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	return &hooks.OnDefineDomainResult{DomainXML: domain}, nil
}

// PreCloudInitIso hands its input back unchanged (not subscribed; answered in case it is called anyway).
func (c *callbacks) PreCloudInitIso(_ context.Context, p *hooks.PreCloudInitIsoParams) (*hooks.PreCloudInitIsoResult, error) {
	return &hooks.PreCloudInitIsoResult{CloudInitNoCloudSource: p.CloudInitNoCloudSource, CloudInitData: p.CloudInitData}, nil
}

func (c *callbacks) Shutdown(context.Context, *hooks.ShutdownParams) (*hooks.ShutdownResult, error) {
	select {
	case c.done <- "VM shut down":
	default:
	}
	return &hooks.ShutdownResult{}, nil
}

// logf writes one logfmt line to stderr, as the other podnic components do.
func logf(level, format string, args ...interface{}) {
	msg := strings.ReplaceAll(fmt.Sprintf(format, args...), `"`, `'`)
	fmt.Fprintf(os.Stderr, "ts=%s level=%s component=podnic-sidecar msg=\"%s\"\n",
		time.Now().UTC().Format(time.RFC3339Nano), level, msg)
}
