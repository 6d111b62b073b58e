// multus-delegate runs one network of a pod as Multus runs a delegate: through libcni (Debian's
// golang-github-appc-cni-dev, the library Multus is built on), with the network selection
// element's cni-args injected into the configuration as args.cni, and the pod in CNI_ARGS.
// It plays Multus's side of podnic's KubeVirt binding contract in podnic's tests.
//
//	multus-delegate add|check|del CONF CONTAINER_ID NETNS IFNAME POD_NAMESPACE POD_NAME POD_UID [CNI_ARGS_JSON]
//
// CONF is a NetworkAttachmentDefinition's spec.config (a plugin or a plugin list). The plugin
// path comes from CNI_PATH. Prints the result (add) and exits 1 with the error on stderr.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/containernetworking/cni/libcni"
)

func main() {
	if len(os.Args) < 9 {
		fmt.Fprintln(os.Stderr, "usage: multus-delegate add|check|del CONF CONTAINER_ID NETNS IFNAME POD_NAMESPACE POD_NAME POD_UID [CNI_ARGS_JSON]")
		os.Exit(2)
	}
	command, confFile, containerID, netns, ifName := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5]
	raw, err := os.ReadFile(confFile)
	check(err)
	if len(os.Args) > 9 && os.Args[9] != "" {
		raw = injectCNIArgs(raw, os.Args[9])
	}
	var list *libcni.NetworkConfigList
	if strings.Contains(string(raw), "\"plugins\"") {
		list, err = libcni.ConfListFromBytes(raw)
	} else {
		var conf *libcni.NetworkConfig
		conf, err = libcni.ConfFromBytes(raw)
		if err == nil {
			list, err = libcni.ConfListFromConf(conf)
		}
	}
	check(err)
	rt := &libcni.RuntimeConf{
		ContainerID: containerID,
		NetNS:       netns,
		IfName:      ifName,
		Args: [][2]string{
			{"IgnoreUnknown", "true"},
			{"K8S_POD_NAMESPACE", os.Args[6]},
			{"K8S_POD_NAME", os.Args[7]},
			{"K8S_POD_INFRA_CONTAINER_ID", containerID},
			{"K8S_POD_UID", os.Args[8]},
		},
	}
	cni := libcni.NewCNIConfigWithCacheDir(filepath.SplitList(os.Getenv("CNI_PATH")), os.Getenv("CNI_CACHE_DIR"), nil)
	ctx := context.Background()
	switch command {
	case "add":
		result, err := cni.AddNetworkList(ctx, list, rt)
		check(err)
		check(result.Print())
	case "check":
		check(cni.CheckNetworkList(ctx, list, rt))
	case "del":
		check(cni.DelNetworkList(ctx, list, rt))
	default:
		fmt.Fprintln(os.Stderr, "unknown command", command)
		os.Exit(2)
	}
}

// injectCNIArgs puts the network selection element's cni-args into the configuration as
// args.cni, as Multus does (pkg/types/conf.go: addCNIArgsInConfig / addCNIArgsInConfList).
func injectCNIArgs(raw []byte, argsJSON string) []byte {
	var args map[string]interface{}
	check(json.Unmarshal([]byte(argsJSON), &args))
	var conf map[string]interface{}
	check(json.Unmarshal(raw, &conf))
	inject := func(c map[string]interface{}) {
		a, _ := c["args"].(map[string]interface{})
		if a == nil {
			a = map[string]interface{}{}
		}
		a["cni"] = args
		c["args"] = a
	}
	if plugins, ok := conf["plugins"].([]interface{}); ok {
		for _, p := range plugins {
			if m, ok := p.(map[string]interface{}); ok {
				inject(m)
			}
		}
	} else {
		inject(conf)
	}
	out, err := json.Marshal(conf)
	check(err)
	return out
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
