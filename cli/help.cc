// SPDX-License-Identifier: Apache-2.0
//
// The help texts of `ipckit` (see help.h). Documentation/ipckit.rst
// mirrors them: keep the two saying the same.
#include "help.h"

#include <array>

namespace ipckit::cli {
namespace {

constexpr std::array<CommandInfo, 12> kCommands{{
    {"list", "list [--device NETWORK-ID]",
     "every registered system ability: id, owner, descriptor",
     R"~(Asks samgr for every registered system ability (SA) and prints one line
each, by id:
  ID          the SA id, decimal
  HEX         the same id in hex
  PID, UID    the process that added it, and its user
  DESCRIPTOR  the interface descriptor of its object
  FLAGS       "distributed" if it may be offered to other devices, else "-"
With none registered it prints "no system abilities registered".

options:
  --device NETWORK-ID  the SAs another device offers to this one (its
                       distributed SAs: ID, HEX, DESCRIPTOR, FLAGS),
                       through this device's rpcd. NETWORK-ID is the
                       device's 64 hex digits (ipckit devices --wide).
                       A failure names its error code and says why:
    ipckit: device 3f2a9c01d4e5… did not list its system abilities:
    RPC_ERR_NO_DEVICE (524): rpc: no such device online (...)
)~"},
    {"ping", "ping [--device NETWORK-ID] ID", "check that SA ID answers, and how fast",
     R"~(Sends PING_TRANSACTION to SA ID, asks for its interface descriptor and
prints how long the ping's round trip took:
  SA 4801: alive (descriptor ipckit.demo.IKvStore, 0.4 ms)
ID is decimal or 0x-hex, 0..0xffffff. Exit status 1 if samgr has no SA ID
or the SA does not answer. With --device NETWORK-ID, SA ID of that device
(as call --device gets it).
)~"},
    {"call", "call [--device NETWORK-ID] ID CODE [ARG...] [--oneway] [--reply TYPES]",
     "send transaction CODE to SA ID, with typed arguments",
     R"~(Sends transaction CODE (1..0xffffff, decimal or 0x-hex) to SA ID with a
parcel built from the ARGs, in order. Each ARG is TYPE:VALUE:
  token:DESCRIPTOR  the interface token (WriteInterfaceToken); services
                    check it before anything else
  i32:N i64:N u32:N integers, decimal or 0x-hex (i32, i64 may be negative)
  bool:true|false   a bool (1 and 0 work too)
  f64:X             a double
  str:TEXT          a string (WriteString)
  s16:TEXT          a UTF-16 string (WriteString16)
  fd:PATH           opens PATH read-only and sends the file descriptor
Prints "result N (what N means)", then the reply: a hex and ASCII dump of
its bytes, or with --reply one line per value, such as: i32 0, str "v".

options:
  --device NETWORK-ID  call SA ID of another device (GetSystemAbility(ID,
                  NETWORK-ID), through the rpcd of both devices); it
                  must be distributed there. fd arguments cannot cross
                  devices. A failure names its code and says why, e.g.
                  RPC_ERR_NOT_DISTRIBUTED (523): ...
  --oneway        send one-way (TF_ASYNC): no reply, no waiting for one
  --reply TYPES   decode the reply as TYPES, comma-separated, from the
                  types above except token (e.g. --reply i32,str)

Exit status 1 if the result is not 0 or the reply does not hold TYPES;
2 for a malformed ARG (the message names it).

examples:
  ipckit call 4801 2 token:ipckit.demo.IKvStore str:k --reply i32,str
  ipckit call --device 3f2a...(64 digits) 4801 2 token:ipckit.demo.IKvStore str:k
)~"},
    {"dump", "dump ID [ARG...]", "let SA ID write its state to this terminal",
     R"~(Asks SA ID to dump its state: the DUMP_TRANSACTION carries this process's
standard output, which the service writes to. The ARGs reach the service's
Dump() as strings; what they mean is up to the service.
)~"},
    {"stats", "stats [--source netlink|debugfs|auto]", "the ipckit driver's counters for DEVICE",
     R"~(Prints the ipckit driver's counters for DEVICE: processes, threads,
nodes, refs and transactions created, deleted and live; file operations;
how often processes sent each BC_* command and received each BR_* return.
They come over generic netlink (family "ipckit", GET_STATS) when the
module offers it (ipckit ABI 2), else from debugfs
(/sys/kernel/debug/ipckit/DEVICE-NAME/stats, which needs root and
debugfs: mount -t debugfs none /sys/kernel/debug). The first line names
the source: "(netlink: ipckit GET_STATS)" or the debugfs file. The
kernel's own binder keeps other statistics (/sys/kernel/debug/binder/):
for its devices, stats says DEVICE is not an ipckit device.

options:
  --source SRC  where to read them: netlink, debugfs, or auto (the
                default: netlink if the module has it, else debugfs)
)~"},
    {"watch", "watch [--interval SEC] [--count N] [--source netlink|debugfs|auto]",
     "transaction rates, one line per interval",
     R"~(Samples DEVICE's counters (as stats reads them: netlink, else debugfs)
every SEC seconds and prints one line per sample, until interrupted
(Ctrl-C) or after N samples:
  TIME        the local time of the sample
  CALLS/S     transactions sent per second (BC_TRANSACTION)
  REPLIES/S   replies sent per second (BC_REPLY)
  ONEWAY/S    calls per second that got no reply: one-way calls (or
              failed ones; the driver does not count them apart)
  PROCS       processes that have the device open

options:
  --interval SEC  seconds between samples, fractions allowed (default 1)
  --count N       stop after N samples
  --source SRC    netlink, debugfs or auto (default), as for stats
)~"},
    {"monitor",
     "monitor [--context NAME] [--pid PID] [--kind KIND[,KIND...]] [--json] [--count N] "
     "[--rcvbuf BYTES]",
     "failed transactions and driver events, as they happen (netlink)",
     R"~(Listens to binder's transaction reports (generic netlink family
"binder", group "report": upstream Linux 6.18's, which ipckit offers too)
and ipckit's events (family "ipckit", group "events") and prints one line
per message, until interrupted (Ctrl-C) or after N of them:
  12:00:01.123 binder report ctx=binder error=BR_DEAD_REPLY from=123/124 to=456/- code=1 flags=0x0 size=16 reply=no
  12:00:02.456 ipckit event dev=binder kind=death_sent pid=130 target=456 node=0x... handle=1 cookie=0x...
A report is a transaction that failed: ERROR the BR_ code the sender
(FROM pid/tid) got, TO the target ("-": unknown), CODE, FLAGS (TF_*) and
SIZE (data bytes) the transaction's, REPLY whether it was a reply. Event
kinds: proc_open, proc_exit (a process opened / let go of the device),
death_sent (a death notice went to PID, holder of HANDLE on TARGET's
node), freeze, unfreeze, context_mgr (mgr=set or mgr=left). Only the
fields an event has show. Joining the events needs CAP_SYS_ADMIN (root);
the reports are open to everyone.
If the kernel dropped messages (the socket overran), a line says
"lost events" and monitoring goes on. When one family is missing,
monitor says so (e.g. the kernel's binder has no "ipckit" family) and
shows the other; with neither it fails saying why. "ipckit: monitoring
..." on standard error says when it listens.

options:
  --context NAME  only messages about binder device NAME ("binder" or
                  "/dev/binder"; not a NETWORK-ID here)
  --pid PID       only those that involve PID (from, to, pid or target)
  --kind KINDS    only these kinds, comma-separated: report errors by
                  BR_ name (BR_DEAD_REPLY, or dead_reply) and event kinds
                  (death_sent, ...)
  --json          one JSON object per line instead
  --count N       stop after N messages shown
  --rcvbuf BYTES  the socket's receive buffer (default 1 MiB; the kernel
                  caps it at net.core.rmem_max): what a burst may queue
                  before messages are lost
)~"},
    {"proc", "proc [--context NAME] [--json] [PID]",
     "binder state of processes: threads, nodes, refs, buffers (netlink)",
     R"~(Asks the ipckit module (generic netlink, GET_PROC) for the state of
process PID, or of every process, on each ipckit device or on NAME, and
prints one line per process and device:
  DEVICE, PID, UID the device, the process and its effective user
  THREADS          its binder threads; MAX: the most it asked for
                   (BINDER_SET_MAX_THREADS); REQUESTED, STARTED: the
                   looper threads the driver asked it to start and those
                   that did
  NODES, REFS      the nodes it owns, the refs it holds (STRONG: strong)
  TODO             work queued to the process
  BUFFERS, BYTES   transaction buffers it has not freed, and their size
  FROZEN           whether BINDER_FREEZE froze it
Without root, only your own processes show.

options:
  --context NAME only binder device NAME ("binder" or "/dev/binder")
  --json         one JSON object per line instead
)~"},
    {"bind", "bind [--state DIR] [--new | --import HEX | --import-file FILE] [--force]",
     "join this device to a soft bus group (its group secret)",
     R"~(Devices whose softbusd holds the same group secret trust each other
(TLS 1.3, a key per device pair derived from the secret). The secret is
32 random bytes in DIR/group.key (64 hex digits, mode 0600). Without an
option, bind makes one if there is none, else keeps the one there; it
prints the file and the secret's fingerprint, the same on every device
of the group:
  ipckit: group secret /var/lib/ipckit/softbus/group.key (fingerprint 1a2b3c4d5e6f7a8b)
To join a second device, copy the first one's group.key over a trusted
channel and import it there. softbusd reads the secret for each new
link: no restart is needed, links already up stay up.

options:
  --state DIR         softbusd's state directory (default /var/lib/ipckit/softbus)
  --new               make a new random secret (a new group)
  --import HEX        take the secret given as 64 hex digits (it shows in
                      the shell's history: prefer --import-file)
  --import-file FILE  take the secret from FILE ("-": standard input)
  --force             replace an existing secret (with --new or an import)
)~"},
    {"devices", "devices [--all] [--wide]", "the devices the soft bus knows of, this one first",
     R"~(Asks softbusd for the devices discovery found and prints one line each,
this device first:
  NETWORK-ID  the device's id (its first 16 of 64 hex digits; --wide: all)
  NAME        its name; "(this device)" marks this one
  ADDRESS     where discovery heard it
  TRUSTED     "yes" once a link with it authenticated (the same group
              secret), "no" if not (see STATE)
  ONLINE      "yes" if discovery heard it recently
  RTT(µs)     the last keepalive round trip, "-" before the first
  STATE       "connected", "untrusted: WHY", "discovered", ...
Devices gone offline are left out unless --all.

options:
  --all   every device discovery knows of, online or not
  --wide  whole network ids
)~"},
    {"rpc", "rpc", "rpcd's tables: peers, exported and imported objects, calls",
     R"~(Asks this device's rpcd (SA 4701, the cross-device RPC forwarder) for
its tables (RPC_DUMP) and prints them. The first line counts them:
  rpcd: peers=P exported=E imported=I calls=C raw=R sessions=S
  peers     devices rpcd has a session with (sessions: how many)
  exported  objects of this device that other devices hold
  imported  objects of other devices that processes here hold
  calls     calls in flight; raw: raw-data blobs being received
With nothing held across devices, exported, imported, calls and raw are 0.
Exit status 1 if rpcd is not running.
)~"},
    {"help", "help [COMMAND]", "this list, or the help of COMMAND",
     R"~(Without COMMAND: the list of commands. With COMMAND: its help, as
"ipckit COMMAND --help" prints it.
)~"},
}};

}  // namespace

std::span<const CommandInfo> Commands()
{
    return kCommands;
}

const CommandInfo* FindCommand(std::string_view name)
{
    for (const auto& c : kCommands)
        if (c.name == name)
            return &c;
    return nullptr;
}

std::string CommandNames()
{
    std::string names;
    for (const auto& c : kCommands)
        names += (names.empty() ? "" : ", ") + std::string(c.name);
    return names;
}

std::string MainHelp()
{
    std::string out =
        "usage: ipckit [-d DEVICE] COMMAND [ARG...]\n"
        "\n"
        "Lists, pings, calls and dumps the system abilities samgr serves on a\n"
        "binder device (and, with --device, those of another device), shows\n"
        "the ipckit driver's counters, events and processes and rpcd's\n"
        "tables, and joins this device to a soft bus group and lists the\n"
        "devices it sees.\n"
        "\n"
        "commands:\n";
    for (const auto& c : kCommands) {
        std::string line = "  " + std::string(c.name);
        line.resize(10, ' ');
        out += line + std::string(c.summary) + "\n";
    }
    out += "\n"
           "options:\n"
           "  -d DEVICE   the binder device (default: $IPCKIT_DEVICE, else /dev/binder)\n"
           "  -h, --help  this text\n"
           "\n"
           "Exit status: 0 success, 1 failure (with a message starting \"ipckit: \"),\n"
           "2 usage error. \"ipckit help COMMAND\" tells more about COMMAND.\n";
    return out;
}

std::string Usage(const CommandInfo& command)
{
    return "usage: ipckit [-d DEVICE] " + std::string(command.synopsis) + "\n";
}

std::string CommandHelp(const CommandInfo& command)
{
    return Usage(command) + "\n" + std::string(command.details);
}

}  // namespace ipckit::cli
