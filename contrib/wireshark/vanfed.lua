--[[
contrib/wireshark/vanfed.lua — a Wireshark dissector for the VAN protocol
(version 1, docs/protocol.md) on UDP port 4797: the 12-byte header, every
message type edge/van/wire.h defines (DATA, FLOOD, LEARN, UNLEARN, JOIN,
LEAVE, HELLO; TUNNEL, which only proxies send each other inside their
tunnels, as a decrypted capture shows it), the SYNC/AUTH/PAIR flags, the authentication trailer of a
site key (boot epoch, counter, tag) and the padding.  The Ethernet frame of
DATA and FLOOD goes to Wireshark's own Ethernet dissector.

It checks what edge/van/wire.c's wire_decode checks, in the same order,
and names a refused message by the same drop reason (short, bad-version,
bad-type, reserved-bits, bad-padding, hop-limit, bad-van-id, bad-frame,
bad-body, bad-trailer): field vanfed.error, expert info vanfed.malformed.
A datagram that holds a UDP GSO train of an edge (captured on the sending
host or a veth, before segmentation) is shown as its messages.
It does not verify tags (that needs the site key and both underlay
identities), and it cannot see the VAN messages that proxies carry inside
their WireGuard-protocol tunnels.  It never raises a Lua error on hostile
input: every range it reads is checked against the captured length first.

Install (Wireshark 3.x/4.x, built with Lua):
    mkdir -p ~/.local/lib/wireshark/plugins
    cp contrib/wireshark/vanfed.lua ~/.local/lib/wireshark/plugins/
or for one run:
    tshark -X lua_script:contrib/wireshark/vanfed.lua -r capture.pcap
Another underlay port: Preferences > Protocols > VANFED > UDP port
(tshark -o vanfed.port:4800), or Decode As... > UDP port > VANFED.
Filters: vanfed, vanfed.type == 3, vanfed.van == 100, vanfed.flags.auth,
vanfed.auth.counter, vanfed.error, vanfed.malformed.
]]

local VERSION      = 1
local HDR_LEN      = 12
local AUTH_LEN     = 32
local TAG_LEN      = 16
local ETH_HDR_LEN  = 14
local FRAME_MAX    = 9216
local LEARN_FIXED  = 12
local LEARN_ADDR_MAX = 8
local UNLEARN_LEN  = 8
local HELLO_LEN    = 24
local TUNNEL_LEN   = 16
local DEFAULT_PORT = 4797

local F_SYNC, F_PAIR, F_AUTH = 0x01, 0x40, 0x80

local T_DATA, T_FLOOD, T_LEARN, T_UNLEARN, T_JOIN, T_LEAVE, T_HELLO, T_TUNNEL =
    1, 2, 3, 4, 5, 6, 7, 8
local type_names = {
	[1] = "DATA", [2] = "FLOOD", [3] = "LEARN", [4] = "UNLEARN",
	[5] = "JOIN", [6] = "LEAVE", [7] = "HELLO", [8] = "TUNNEL",
}
local tunnel_states = {
	[1] = "DOWN", [2] = "READY", [3] = "RESTORE", [4] = "UP", [5] = "OFF",
}

local vanfed = Proto("vanfed", "VANFED (vanfed VAN protocol)")

local pf = {
	version  = ProtoField.uint8("vanfed.version", "Version", base.DEC, nil, 0xf0),
	type     = ProtoField.uint8("vanfed.type", "Type", base.DEC, type_names, 0x0f),
	flags    = ProtoField.uint8("vanfed.flags", "Flags", base.HEX),
	f_auth   = ProtoField.bool("vanfed.flags.auth", "AUTH (trailer follows)", 8, nil, F_AUTH),
	f_pair   = ProtoField.bool("vanfed.flags.pair", "PAIR (pair-keyed tag)", 8, nil, F_PAIR),
	f_sync   = ProtoField.bool("vanfed.flags.sync", "SYNC", 8, nil, F_SYNC),
	hop      = ProtoField.uint8("vanfed.hop", "Hop limit", base.DEC),
	reserved = ProtoField.uint8("vanfed.reserved", "Reserved", base.HEX, nil, 0xf0),
	pad      = ProtoField.uint8("vanfed.pad", "Padding length", base.DEC, nil, 0x0f),
	src_van  = ProtoField.uint32("vanfed.src_van", "Source VAN ID", base.DEC),
	dst_van  = ProtoField.uint32("vanfed.dst_van", "Destination VAN ID", base.DEC),
	van      = ProtoField.uint32("vanfed.van", "VAN ID", base.DEC),
	frame_len = ProtoField.uint32("vanfed.frame_len", "Frame length", base.DEC),
	learn       = ProtoField.none("vanfed.learn", "LEARN body"),
	unlearn     = ProtoField.none("vanfed.unlearn", "UNLEARN body"),
	hello       = ProtoField.none("vanfed.hello", "HELLO body"),
	auth        = ProtoField.none("vanfed.auth", "Authentication trailer"),
	learn_mac   = ProtoField.ether("vanfed.learn.mac", "MAC"),
	learn_flags = ProtoField.uint8("vanfed.learn.flags", "Flags", base.HEX),
	learn_count = ProtoField.uint8("vanfed.learn.count", "Address count", base.DEC),
	learn_seq   = ProtoField.uint32("vanfed.learn.seq", "Mobility sequence", base.DEC),
	learn_family = ProtoField.uint8("vanfed.learn.family", "Address family", base.DEC),
	learn_ipv4  = ProtoField.ipv4("vanfed.learn.ipv4", "IPv4 address"),
	learn_ipv6  = ProtoField.ipv6("vanfed.learn.ipv6", "IPv6 address"),
	unlearn_mac = ProtoField.ether("vanfed.unlearn.mac", "MAC"),
	unlearn_reserved = ProtoField.uint16("vanfed.unlearn.reserved", "Reserved", base.HEX),
	tunnel         = ProtoField.none("vanfed.tunnel", "TUNNEL body"),
	tunnel_id      = ProtoField.uint16("vanfed.tunnel.id", "Tree tunnel", base.DEC),
	tunnel_end     = ProtoField.uint8("vanfed.tunnel.end", "End", base.DEC),
	tunnel_state   = ProtoField.uint8("vanfed.tunnel.state", "State", base.DEC,
	    tunnel_states),
	tunnel_epoch   = ProtoField.uint64("vanfed.tunnel.epoch", "Epoch", base.DEC),
	tunnel_seq     = ProtoField.uint32("vanfed.tunnel.seq", "Sequence", base.DEC),
	hello_epoch    = ProtoField.uint64("vanfed.hello.epoch", "Boot epoch", base.DEC),
	hello_interval = ProtoField.uint32("vanfed.hello.interval", "Interval (ms)", base.DEC),
	hello_count    = ProtoField.uint32("vanfed.hello.van_count", "VAN count", base.DEC),
	hello_digest   = ProtoField.uint64("vanfed.hello.van_digest", "VAN digest", base.HEX),
	auth_epoch   = ProtoField.uint64("vanfed.auth.epoch", "Boot epoch", base.DEC),
	auth_counter = ProtoField.uint64("vanfed.auth.counter", "Counter", base.DEC),
	auth_tag     = ProtoField.bytes("vanfed.auth.tag", "Tag"),
	auth_key     = ProtoField.string("vanfed.auth.key", "Keyed by"),
	body     = ProtoField.bytes("vanfed.body", "Body"),
	padding  = ProtoField.bytes("vanfed.padding", "Padding"),
	error    = ProtoField.string("vanfed.error", "Drop reason"),
	train_count = ProtoField.uint32("vanfed.train.count", "Messages in this datagram", base.DEC),
	train_seg   = ProtoField.uint32("vanfed.train.seg", "GSO segment size", base.DEC),
}
vanfed.fields = pf

local ex_malformed = ProtoExpert.new("vanfed.malformed", "Malformed VAN message",
    expert.group.MALFORMED, expert.severity.ERROR)
local ex_dropped = ProtoExpert.new("vanfed.dropped", "An edge drops this message",
    expert.group.PROTOCOL, expert.severity.WARN)
local ex_truncated = ProtoExpert.new("vanfed.truncated", "Message not captured whole",
    expert.group.UNDECODED, expert.severity.WARN)
local ex_train = ProtoExpert.new("vanfed.train",
    "Several VAN messages in one datagram: a UDP GSO train captured before segmentation",
    expert.group.PROTOCOL, expert.severity.NOTE)
vanfed.experts = { ex_malformed, ex_dropped, ex_truncated, ex_train }

vanfed.prefs.port = Pref.uint("UDP port", DEFAULT_PORT,
    "UDP port of the site underlay (edge.listen), besides Decode As")

local eth = Dissector.get("eth_withoutfcs")

-- One message being dissected: the tvb, its lengths, its tree, and the
-- first drop reason found (the one wire_decode would return).
local function mark(m, item, reason, text)
	if m.reason == nil then
		m.reason = reason
		m.tree:add(pf.error, reason):set_generated()
	end
	item:add_proto_expert_info(ex_malformed, reason .. ": " .. text)
end

local function is_bad_mac(r)
	-- multicast or zero: never a MAC a member may claim
	if r:range(0, 1):uint() % 2 == 1 then
		return true
	end
	return r:range(0, 4):uint() == 0 and r:range(4, 2):uint() == 0
end

local function is_zero64(r)
	return r:range(0, 4):uint() == 0 and r:range(4, 4):uint() == 0
end

local function dissect_learn(m, off, len, info)
	local t = m.tree:add(pf.learn, m.tvb(off, len))
	if len < LEARN_FIXED then
		mark(m, t, "bad-body", string.format(
		    "LEARN body of %d bytes, at least %d needed", len, LEARN_FIXED))
		return
	end
	local mac = m.tvb(off, 6)
	local mi = t:add(pf.learn_mac, mac)
	t:add(pf.learn_flags, m.tvb(off + 6, 1))
	local ci = t:add(pf.learn_count, m.tvb(off + 7, 1))
	t:add(pf.learn_seq, m.tvb(off + 8, 4))
	local count = m.tvb(off + 7, 1):uint()
	info[#info + 1] = tostring(mac:ether()) .. " seq " .. m.tvb(off + 8, 4):uint()
	if is_bad_mac(mac) then
		mark(m, mi, "bad-body", "MAC is multicast or zero")
	end
	if count > LEARN_ADDR_MAX then
		mark(m, ci, "bad-body", string.format(
		    "%d addresses, at most %d", count, LEARN_ADDR_MAX))
		return
	end
	local p, stop = off + LEARN_FIXED, off + len
	for i = 1, count do
		if p >= stop then
			mark(m, ci, "bad-body", string.format(
			    "%d addresses announced, body ends after %d", count, i - 1))
			return
		end
		local fam = m.tvb(p, 1):uint()
		local alen = (fam == 4 and 4) or (fam == 6 and 16) or nil
		if alen == nil then
			local fi = t:add(pf.learn_family, m.tvb(p, 1))
			mark(m, fi, "bad-body", "address family " .. fam .. ", not 4 or 6")
			return
		end
		if p + 1 + alen > stop then
			local fi = t:add(pf.learn_family, m.tvb(p, stop - p))
			mark(m, fi, "bad-body", string.format(
			    "IPv%d address %d cut short: %d of %d bytes", fam, i,
			    stop - p - 1, alen))
			return
		end
		local at = t:add(pf.learn_family, m.tvb(p, 1))
		if fam == 4 then
			at:add(pf.learn_ipv4, m.tvb(p + 1, 4))
			info[#info + 1] = tostring(m.tvb(p + 1, 4):ipv4())
		else
			at:add(pf.learn_ipv6, m.tvb(p + 1, 16))
			info[#info + 1] = tostring(m.tvb(p + 1, 16):ipv6())
		end
		p = p + 1 + alen
	end
	if p < stop then
		local bi = t:add(pf.body, m.tvb(p, stop - p))
		mark(m, bi, "bad-body", (stop - p) .. " bytes after the last address")
	end
end

local function dissect_unlearn(m, off, len, info)
	local t = m.tree:add(pf.unlearn, m.tvb(off, len))
	if len ~= UNLEARN_LEN then
		mark(m, t, "bad-body", string.format(
		    "UNLEARN body of %d bytes, not %d", len, UNLEARN_LEN))
		return
	end
	local mac = m.tvb(off, 6)
	local mi = t:add(pf.unlearn_mac, mac)
	local ri = t:add(pf.unlearn_reserved, m.tvb(off + 6, 2))
	info[#info + 1] = tostring(mac:ether())
	if m.tvb(off + 6, 2):uint() ~= 0 then
		mark(m, ri, "reserved-bits", "reserved field not 0")
	end
	if is_bad_mac(mac) then
		mark(m, mi, "bad-body", "MAC is multicast or zero")
	end
end

local function dissect_hello(m, off, len, info)
	local t = m.tree:add(pf.hello, m.tvb(off, len))
	if len ~= HELLO_LEN then
		mark(m, t, "bad-body", string.format(
		    "HELLO body of %d bytes, not %d", len, HELLO_LEN))
		return
	end
	local ei = t:add(pf.hello_epoch, m.tvb(off, 8))
	local ii = t:add(pf.hello_interval, m.tvb(off + 8, 4))
	t:add(pf.hello_count, m.tvb(off + 12, 4))
	t:add(pf.hello_digest, m.tvb(off + 16, 8))
	info[#info + 1] = "epoch " .. tostring(m.tvb(off, 8):uint64()) ..
	    " vans " .. m.tvb(off + 12, 4):uint()
	if is_zero64(m.tvb(off, 8)) then
		mark(m, ei, "bad-body", "boot epoch 0")
	end
	if m.tvb(off + 8, 4):uint() == 0 then
		mark(m, ii, "bad-body", "interval 0")
	end
	if m.auth_epoch ~= nil and m.tvb(off, 8):bytes():tohex() ~= m.auth_epoch:bytes():tohex() then
		ei:add_proto_expert_info(ex_dropped,
		    "HELLO epoch differs from its trailer's: an edge with a site key drops it")
	end
end

local function dissect_tunnel(m, off, len, info)
	local t = m.tree:add(pf.tunnel, m.tvb(off, len))
	if len ~= TUNNEL_LEN then
		mark(m, t, "bad-body", string.format(
		    "TUNNEL body of %d bytes, not %d", len, TUNNEL_LEN))
		return
	end
	local ii = t:add(pf.tunnel_id, m.tvb(off, 2))
	local ei = t:add(pf.tunnel_end, m.tvb(off + 2, 1))
	local si = t:add(pf.tunnel_state, m.tvb(off + 3, 1))
	local pi = t:add(pf.tunnel_epoch, m.tvb(off + 4, 8))
	t:add(pf.tunnel_seq, m.tvb(off + 12, 4))
	local state = m.tvb(off + 3, 1):uint()
	info[#info + 1] = "tunnel " .. m.tvb(off, 2):uint() .. " end " ..
	    m.tvb(off + 2, 1):uint() .. " " .. (tunnel_states[state] or "?") ..
	    " seq " .. m.tvb(off + 12, 4):uint()
	if m.tvb(off, 2):uint() == 0 then
		mark(m, ii, "bad-body", "tunnel 0")
	elseif m.tvb(off + 2, 1):uint() > 1 then
		mark(m, ei, "bad-body", "end not 0 or 1")
	elseif tunnel_states[state] == nil then
		mark(m, si, "bad-body", "state " .. state)
	elseif is_zero64(m.tvb(off + 4, 8)) then
		mark(m, pi, "bad-body", "epoch 0")
	end
end

-- The frame of DATA and FLOOD: to the Ethernet dissector when it is one.
local function dissect_frame(m, off, len, type, info)
	m.tree:add(pf.frame_len, m.tvb(off, len), len):set_generated()
	if len < ETH_HDR_LEN or len > FRAME_MAX then
		local fi = m.tree:add(pf.body, m.tvb(off, len))
		mark(m, fi, "bad-frame", string.format(
		    "frame of %d bytes, not %d to %d", len, ETH_HDR_LEN, FRAME_MAX))
		return
	end
	if type == T_DATA and m.tvb(off, 1):uint() % 2 == 1 then
		m.tree:add_proto_expert_info(ex_dropped,
		    "DATA to a multicast destination (bad-dst-mac)")
	end
	if is_bad_mac(m.tvb(off + 6, 6)) then
		m.tree:add_proto_expert_info(ex_dropped,
		    "source MAC is multicast or zero (bad-src-mac)")
	end
	m.frame = { off = off, len = len }
end

-- dissect_msg TVB PINFO ROOT TRAIN: one message; returns the Info text and
-- the range of its Ethernet frame (nil if none).  TRAIN: nil, or the
-- message's place in a GSO train { index, count, seg }.
local function dissect_msg(tvb, pinfo, root, train)
	local m = {
		tvb = tvb, caplen = tvb:len(), len = tvb:reported_len(),
		reason = nil, frame = nil, auth_epoch = nil,
	}
	local info = {}

	local tree = root:add(vanfed, tvb())
	m.tree = tree
	if train ~= nil then
		local ci = tree:add(pf.train_count, train.count):set_generated()
		tree:add(pf.train_seg, train.seg):set_generated()
		tree:append_text(string.format(" (%d of %d)", train.index, train.count))
		if train.index == 1 then
			ci:add_proto_expert_info(ex_train, string.format(
			    "%d VAN messages of at most %d bytes in one datagram: a UDP GSO " ..
			    "train captured before segmentation (the wire carries them one by one)",
			    train.count, train.seg))
		end
	end

	if m.len < HDR_LEN then
		mark(m, tree, "short", string.format(
		    "%d bytes, a header is %d", m.len, HDR_LEN))
		return "VAN [Malformed: short]"
	end
	if m.caplen < HDR_LEN then
		tree:add_proto_expert_info(ex_truncated, "header not captured")
		return "VAN [truncated]"
	end

	local b0 = tvb(0, 1):uint()
	local version, type = math.floor(b0 / 16), b0 % 16
	local flags, hop = tvb(1, 1):uint(), tvb(2, 1):uint()
	local b3 = tvb(3, 1):uint()
	local pad, resv = b3 % 16, math.floor(b3 / 16)
	local src, dst = tvb(4, 4):uint(), tvb(8, 4):uint()

	local vi = tree:add(pf.version, tvb(0, 1))
	if version ~= VERSION then
		mark(m, vi, "bad-version", "version " .. version .. ", not " .. VERSION)
		if m.caplen > 1 then
			tree:add(pf.body, tvb(1, m.caplen - 1))
		end
		return "VAN [Malformed: bad-version]"
	end
	local ti = tree:add(pf.type, tvb(0, 1))
	local fi = tree:add(pf.flags, tvb(1, 1))
	fi:add(pf.f_auth, tvb(1, 1))
	fi:add(pf.f_pair, tvb(1, 1))
	fi:add(pf.f_sync, tvb(1, 1))
	local hi = tree:add(pf.hop, tvb(2, 1))
	local ri = tree:add(pf.reserved, tvb(3, 1))
	tree:add(pf.pad, tvb(3, 1))
	local si = tree:add(pf.src_van, tvb(4, 4))
	local di = tree:add(pf.dst_van, tvb(8, 4))
	tree:add(pf.van, tvb(4, 4)):set_hidden()
	tree:add(pf.van, tvb(8, 4)):set_hidden()

	local name = type_names[type]
	if name == nil then
		mark(m, ti, "bad-type", "type " .. type)
		name = "type " .. type
	end
	info[1] = name
	if flags % 2 == 1 and (type == T_HELLO or type == T_JOIN) then
		info[#info + 1] = "SYNC"
	end
	local vanless = type == T_HELLO or type == T_TUNNEL
	if not vanless then
		info[#info + 1] = (src == dst) and ("van " .. src)
		    or ("van " .. src .. "->" .. dst)
	end
	tree:append_text(", " .. name ..
	    (not vanless and (", VAN " .. src .. " -> " .. dst) or ""))

	if resv ~= 0 then
		mark(m, ri, "reserved-bits", "reserved bits " .. resv)
	end
	local body_off, body_len = HDR_LEN, m.len - HDR_LEN - pad
	if pad > m.len - HDR_LEN then
		mark(m, tree, "bad-padding", string.format(
		    "%d padding bytes, %d after the header", pad, m.len - HDR_LEN))
		body_len = nil
	end
	if hop == 0 then
		mark(m, hi, "hop-limit", "hop limit 0")
	end
	if vanless then
		if src ~= 0 or dst ~= 0 then
			mark(m, src ~= 0 and si or di, "bad-van-id", name .. " with a VAN ID not 0")
		end
	elseif src == 0 or dst == 0 then
		mark(m, src == 0 and si or di, "bad-van-id", "VAN ID 0")
	elseif src ~= dst then
		tree:add_proto_expert_info(ex_dropped,
		    "source and destination VAN differ: an edge drops it (van-mismatch)")
	end

	if name ~= type_names[type] or body_len == nil then
		-- no layout for the rest: show it as it is
		if m.caplen > HDR_LEN then
			tree:add(pf.body, tvb(HDR_LEN, m.caplen - HDR_LEN))
		end
	elseif m.caplen < m.len then
		tree:add_proto_expert_info(ex_truncated, string.format(
		    "captured %d of %d bytes: body not decoded", m.caplen, m.len))
		if (type == T_DATA or type == T_FLOOD) and m.caplen - HDR_LEN >= ETH_HDR_LEN then
			m.frame = { off = HDR_LEN, len = m.caplen - HDR_LEN }
		end
	else
		local control = type >= T_LEARN and type <= T_TUNNEL
		local ok, a = true, nil
		if flags >= F_AUTH then
			-- [header][body][epoch][counter][tag][padding]
			if not control then
				mark(m, fi, "bad-trailer", "AUTH flag on a frame")
				ok = false
			elseif body_len < AUTH_LEN then
				mark(m, fi, "bad-trailer", string.format(
				    "trailer of %d bytes, not %d", body_len, AUTH_LEN))
				ok = false
			else
				body_len = body_len - AUTH_LEN
				a = body_off + body_len
				m.auth_epoch = tvb(a, 8)
			end
		end
		if not ok then
			if body_len > 0 then
				tree:add(pf.body, tvb(body_off, body_len))
			end
		elseif type == T_DATA or type == T_FLOOD then
			dissect_frame(m, body_off, body_len, type, info)
		elseif type == T_LEARN then
			dissect_learn(m, body_off, body_len, info)
		elseif type == T_UNLEARN then
			dissect_unlearn(m, body_off, body_len, info)
		elseif type == T_HELLO then
			dissect_hello(m, body_off, body_len, info)
		elseif type == T_TUNNEL then
			dissect_tunnel(m, body_off, body_len, info)
		elseif body_len ~= 0 then
			local bi = tree:add(pf.body, tvb(body_off, body_len))
			mark(m, bi, "bad-body", string.format(
			    "%s body of %d bytes, not empty", name, body_len))
		end
		if a ~= nil then
			local at = tree:add(pf.auth, tvb(a, AUTH_LEN))
			at:add(pf.auth_epoch, tvb(a, 8))
			at:add(pf.auth_counter, tvb(a + 8, 8))
			at:add(pf.auth_tag, tvb(a + 16, TAG_LEN))
			local pair = math.floor(flags / F_PAIR) % 2 == 1
			at:add(pf.auth_key, tvb(1, 1), pair
			    and "pair key of sender and receiver (version 2)"
			    or "site key (version 1)"):set_generated()
			info[#info + 1] = "ctr " .. tostring(tvb(a + 8, 8):uint64())
		end
		if pad > 0 then
			tree:add(pf.padding, tvb(m.len - pad, pad))
		end
	end

	local text = table.concat(info, " ")
	if m.reason ~= nil then
		text = text .. " [Malformed: " .. m.reason .. "]"
	end
	local frame = nil
	if m.frame ~= nil then
		frame = tvb(m.frame.off, m.frame.len)
	end
	return text, frame
end

-- The length a message at off (at most avail bytes) says it has, from its
-- header, body and the IP header of its frame; nil if it does not say.
local function natural_len(tvb, off, avail)
	if avail < HDR_LEN then
		return nil
	end
	local b0, flags, b3 = tvb(off, 1):uint(), tvb(off + 1, 1):uint(), tvb(off + 3, 1):uint()
	local t, auth = b0 % 16, flags >= F_AUTH
	if math.floor(b0 / 16) ~= VERSION or b3 >= 16 then
		return nil
	end
	local n
	if t == T_JOIN or t == T_LEAVE then
		n = HDR_LEN
	elseif t == T_UNLEARN then
		n = HDR_LEN + UNLEARN_LEN
	elseif t == T_HELLO then
		n = HDR_LEN + HELLO_LEN
	elseif t == T_TUNNEL then
		n = HDR_LEN + TUNNEL_LEN
	elseif t == T_LEARN then
		if avail < HDR_LEN + LEARN_FIXED then
			return nil
		end
		local count = tvb(off + HDR_LEN + 7, 1):uint()
		if count > LEARN_ADDR_MAX then
			return nil
		end
		n = HDR_LEN + LEARN_FIXED
		for _ = 1, count do
			if n >= avail then
				return nil
			end
			local fam = tvb(off + n, 1):uint()
			if fam == 4 then
				n = n + 5
			elseif fam == 6 then
				n = n + 17
			else
				return nil
			end
		end
	elseif (t == T_DATA or t == T_FLOOD) and not auth then
		local l2 = ETH_HDR_LEN
		if avail < HDR_LEN + l2 then
			return nil
		end
		local et = tvb(off + HDR_LEN + 12, 2):uint()
		if et == 0x8100 then
			l2 = l2 + 4
			if avail < HDR_LEN + l2 then
				return nil
			end
			et = tvb(off + HDR_LEN + 16, 2):uint()
		end
		local ip = off + HDR_LEN + l2
		if et == 0x0800 and avail >= HDR_LEN + l2 + 4 then
			n = HDR_LEN + l2 + tvb(ip + 2, 2):uint()
		elseif et == 0x86dd and avail >= HDR_LEN + l2 + 6 then
			n = HDR_LEN + l2 + 40 + tvb(ip + 4, 2):uint()
		else
			return nil
		end
	else
		return nil
	end
	if auth then
		n = n + AUTH_LEN
	end
	return n + b3 % 16
end

-- A UDP GSO train (edges send trains of equal datagrams to one member as
-- one UDP_SEGMENT send; a capture on the sending host or a veth sees them
-- as one datagram): the messages, if the datagram is one, else nil.  It is
-- one when the first message says it is shorter than the datagram and the
-- rest splits into messages of that size (the last may be shorter), each
-- of exactly the length it says.  Not necessarily of one type or VAN: the
-- edge appends any message to the same member that fits the segment (a
-- HELLO and a LEARN after it, since messages are said again).
local function gso_train(tvb)
	local len = tvb:len()
	if len ~= tvb:reported_len() then
		return nil
	end
	local seg = natural_len(tvb, 0, len)
	if seg == nil or seg >= len or seg < HDR_LEN then
		return nil
	end
	local pieces, off = {}, 0
	while off < len do
		local n = math.min(seg, len - off)
		if natural_len(tvb, off, n) ~= n then
			return nil
		end
		pieces[#pieces + 1] = tvb(off, n):tvb()
		off = off + n
	end
	return pieces, seg
end

function vanfed.dissector(tvb, pinfo, root)
	pinfo.cols.protocol = "VANFED"
	local ok, pieces, seg = pcall(gso_train, tvb)
	if not ok or pieces == nil then
		pieces = { tvb }
	end
	local texts, frames = {}, {}
	for i, piece in ipairs(pieces) do
		local train = nil
		if #pieces > 1 then
			train = { index = i, count = #pieces, seg = seg }
		end
		-- A last guard: whatever slipped past the checks shows as a
		-- malformed message, never as a Lua error.
		local done, text, frame = pcall(dissect_msg, piece, pinfo, root, train)
		if not done then
			local t = root:add(vanfed, piece())
			t:add_proto_expert_info(ex_malformed, "dissector error: " .. tostring(text))
			text = "VAN [dissector error]"
		elseif frame ~= nil then
			frames[#frames + 1] = frame
		end
		texts[#texts + 1] = text
	end
	local info = table.concat(texts, "; ")
	if #pieces > 1 then
		info = string.format("[GSO train of %d] %s", #pieces, info)
	end
	pinfo.cols.info = info
	if #frames > 0 then
		-- The inner frames' dissectors append after this prefix.  An
		-- exception in them is theirs: Wireshark has marked the frame
		-- malformed already, and Dissector.call reports it as an error.
		pinfo.cols.info:append(", ")
		pinfo.cols.info:fence()
		for _, f in ipairs(frames) do
			pcall(eth.call, eth, f:tvb(), pinfo, root)
		end
	end
	return tvb:len()
end

local udp = DissectorTable.get("udp.port")
local port = vanfed.prefs.port

function vanfed.prefs_changed()
	if vanfed.prefs.port ~= port then
		if port ~= 0 then
			udp:remove(port, vanfed)
		end
		port = vanfed.prefs.port
		if port ~= 0 then
			udp:add(port, vanfed)
		end
	end
end

udp:add(port, vanfed)
udp:add_for_decode_as(vanfed)
