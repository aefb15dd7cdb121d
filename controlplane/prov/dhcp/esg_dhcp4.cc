/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DHCPv4 build and parse over Kea's Pkt4 (RFC 2131 2 message format,
 * RFC 2132 options). Kea frames the packet and its options; this file maps
 * them to and from struct esg_dhcp4_msg and decodes the CableLabs parts:
 * option 43 sub-options (spec 000 8.1.3: "SESG" in sub-option 2), option
 * 122 (RFC 3495), option 125 for enterprise 4491 (RFC 3925).
 */
#include <arpa/inet.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>

#include <dhcp/dhcp4.h>
#include <dhcp/option.h>
#include <dhcp/option4_addrlst.h>
#include <dhcp/option_int.h>
#include <dhcp/option_int_array.h>
#include <dhcp/option_string.h>
#include <dhcp/option_vendor.h>
#include <dhcp/pkt4.h>

#include "esg_dhcp_priv.h"

using namespace isc::dhcp;
using isc::asiolink::IOAddress;

namespace esg_dhcp
{

static IOAddress
v4(struct in_addr a)
{
	return IOAddress(ntohl(a.s_addr));
}

static struct in_addr
from_v4(const IOAddress &a)
{
	struct in_addr r;

	r.s_addr = htonl(a.toUint32());
	return r;
}

static void
add_addrs(Pkt4 &p, uint8_t code, const struct in_addr *a, unsigned n)
{
	Option4AddrLst::AddressContainer c;

	for (unsigned i = 0; i < n && i < ESG_DHCP_MAX_ADDRS; i++)
		c.push_back(v4(a[i]));
	p.addOption(OptionPtr(new Option4AddrLst(code, c)));
}

static void
add_u32(Pkt4 &p, uint8_t code, uint32_t v)
{
	p.addOption(OptionPtr(new OptionInt<uint32_t>(Option::V4, code, v)));
}

static void
add_raw(Pkt4 &p, uint8_t code, const uint8_t *d, size_t len)
{
	p.addOption(OptionPtr(
		new Option(Option::V4, code, OptionBuffer(d, d + len))));
}

/* Sub-options with 1-byte code and length (RFC 2132 8.4, RFC 3495 3). */
static int
encode_subopts(const struct esg_dhcp_subopts *l, OptionBuffer &out, char *err)
{
	for (unsigned i = 0; i < l->n && i < ESG_DHCP_MAX_SUBOPTS; i++) {
		const struct esg_dhcp_subopt *o = &l->o[i];

		if (o->code == 0 || o->code > 254 || o->len > 255)
			return fail(err, EINVAL, "sub-option %u length %u",
				    o->code, o->len);
		out.push_back((uint8_t)o->code);
		out.push_back((uint8_t)o->len);
		out.insert(out.end(), o->data, o->data + o->len);
	}
	if (out.size() > 255)
		return fail(err, EINVAL, "sub-options: %zu bytes > 255",
			    out.size());
	return 0;
}

static int
decode_subopts(const OptionBuffer &b, struct esg_dhcp_subopts *l,
	       const char *what, char *err)
{
	size_t off = 0;

	while (off < b.size()) {
		if (b[off] == 0) { /* pad */
			off++;
			continue;
		}
		if (b[off] == 255)
			break;
		if (off + 2 > b.size() || off + 2 + b[off + 1] > b.size())
			return fail(err, EBADMSG,
				    "%s: sub-option %u at %zu truncated", what,
				    b[off], off);
		if (esg_dhcp_subopt_add(l, b[off], &b[off + 2], b[off + 1]) !=
		    0)
			return fail(err, ENOSPC, "%s: more than %d sub-options",
				    what, ESG_DHCP_MAX_SUBOPTS);
		off += 2 + (size_t)b[off + 1];
	}
	return 0;
}

/* RFC 3495 3: option 122 sub-options 1, 2 (IPv4), 3 (type + FQDN or
 * IPv4), 6 (realm, RFC 1035 name), 8 (provisioning timer). */
static int
decode_ccc(struct esg_dhcp4_ccc *c, char *err)
{
	for (unsigned i = 0; i < c->all.n; i++) {
		const struct esg_dhcp_subopt *o = &c->all.o[i];

		switch (o->code) {
		case 1:
		case 2:
			if (o->len != 4)
				return fail(err, EBADMSG,
					    "option 122.%u: length %u != 4",
					    o->code, o->len);
			memcpy(o->code == 1 ? &c->primary : &c->secondary,
			       o->data, 4);
			c->present |= o->code == 1 ? ESG_CCC_HAS_PRIMARY
						   : ESG_CCC_HAS_SECONDARY;
			break;
		case 3:
			if (o->len < 1)
				return fail(err, EBADMSG, "option 122.3 empty");
			c->prov_type = o->data[0];
			if (o->data[0] == 1 && o->len == 5)
				memcpy(&c->prov_addr, o->data + 1, 4);
			else if (o->data[0] != 0 ||
				 dns_decode(o->data + 1, o->len - 1u,
					    c->prov_fqdn,
					    sizeof(c->prov_fqdn)) != 0)
				return fail(err, EBADMSG,
					    "option 122.3: bad server");
			c->present |= ESG_CCC_HAS_PROV_SERVER;
			break;
		case 6:
			if (dns_decode(o->data, o->len, c->realm,
				       sizeof(c->realm)) != 0)
				return fail(err, EBADMSG,
					    "option 122.6: bad realm");
			c->present |= ESG_CCC_HAS_REALM;
			break;
		case 8:
			if (o->len != 1)
				return fail(err, EBADMSG,
					    "option 122.8: length %u", o->len);
			c->prov_timer = o->data[0];
			c->present |= ESG_CCC_HAS_PROV_TIMER;
			break;
		default: /* other sub-options kept raw in c->all */
			break;
		}
	}
	return 0;
}

static void
build_opts(const struct esg_dhcp4_msg *m, Pkt4 &p)
{
	uint32_t f = m->present;

	if (f & ESG_DHCP4_HAS_MASK)
		add_addrs(p, DHO_SUBNET_MASK, &m->mask, 1);
	if (m->n_routers > 0)
		add_addrs(p, DHO_ROUTERS, m->routers, m->n_routers);
	if (m->n_dns > 0)
		add_addrs(p, DHO_DOMAIN_NAME_SERVERS, m->dns, m->n_dns);
	if (m->n_log > 0)
		add_addrs(p, DHO_LOG_SERVERS, m->log, m->n_log);
	if (f & ESG_DHCP4_HAS_HOSTNAME)
		p.addOption(OptionPtr(new OptionString(
			Option::V4, DHO_HOST_NAME, m->hostname)));
	if (f & ESG_DHCP4_HAS_DOMAIN)
		p.addOption(OptionPtr(new OptionString(
			Option::V4, DHO_DOMAIN_NAME, m->domain)));
	if (f & ESG_DHCP4_HAS_REQ_IP)
		add_addrs(p, DHO_DHCP_REQUESTED_ADDRESS, &m->req_ip, 1);
	if (f & ESG_DHCP4_HAS_LEASE)
		add_u32(p, DHO_DHCP_LEASE_TIME, m->lease);
	if (f & ESG_DHCP4_HAS_SERVER_ID)
		add_addrs(p, DHO_DHCP_SERVER_IDENTIFIER, &m->server_id, 1);
	if (m->n_prl > 0) {
		std::vector<uint8_t> v(
			m->prl, m->prl + std::min<unsigned>(m->n_prl,
							    ESG_DHCP_MAX_ORO));
		p.addOption(OptionPtr(new OptionUint8Array(
			Option::V4, DHO_DHCP_PARAMETER_REQUEST_LIST, v)));
	}
	if (f & ESG_DHCP4_HAS_MESSAGE)
		p.addOption(OptionPtr(new OptionString(
			Option::V4, DHO_DHCP_MESSAGE, m->message)));
	if (f & ESG_DHCP4_HAS_T1)
		add_u32(p, DHO_DHCP_RENEWAL_TIME, m->t1);
	if (f & ESG_DHCP4_HAS_T2)
		add_u32(p, DHO_DHCP_REBINDING_TIME, m->t2);
	if (f & ESG_DHCP4_HAS_VENDOR_CLASS)
		add_raw(p, DHO_VENDOR_CLASS_IDENTIFIER, m->vendor_class,
			m->vendor_class_len);
	if (f & ESG_DHCP4_HAS_CLIENT_ID)
		add_raw(p, DHO_DHCP_CLIENT_IDENTIFIER, m->client_id,
			m->client_id_len);
}

static int
build_vendor(const struct esg_dhcp4_msg *m, Pkt4 &p, char *err)
{
	OptionBuffer b;
	int e;

	if (m->present & ESG_DHCP4_HAS_VENDOR_ENC) {
		if ((e = encode_subopts(&m->vendor_enc, b, err)) != 0)
			return e;
		add_raw(p, DHO_VENDOR_ENCAPSULATED_OPTIONS, b.data(), b.size());
	}
	if (m->present & ESG_DHCP4_HAS_CCC) {
		b.clear();
		if ((e = encode_subopts(&m->ccc.all, b, err)) != 0)
			return e;
		add_raw(p, 122, b.data(), b.size());
	}
	if (m->present & ESG_DHCP4_HAS_VIVSO) {
		OptionVendorPtr v(
			new OptionVendor(Option::V4, ESG_DHCP_ENTERPRISE_CL));

		for (unsigned i = 0; i < m->vivso.n && i < ESG_DHCP_MAX_SUBOPTS;
		     i++) {
			const struct esg_dhcp_subopt *o = &m->vivso.o[i];

			if (o->code == 0 || o->code > 254)
				return fail(err, EINVAL,
					    "option 125 sub-option %u",
					    o->code);
			v->addOption(OptionPtr(new Option(
				Option::V4, o->code,
				OptionBuffer(o->data, o->data + o->len))));
		}
		p.addOption(v);
	}
	return 0;
}

static int
addr_list(const OptionPtr &o, struct in_addr *a, unsigned *np, char *err)
{
	std::vector<uint8_t> b = o->toBinary(false);

	if (b.size() == 0 || b.size() % 4 != 0)
		return fail(err, EBADMSG, "option %u: length %zu not 4*n",
			    o->getType(), b.size());
	*np = 0;
	for (size_t i = 0; i + 4 <= b.size() && *np < ESG_DHCP_MAX_ADDRS;
	     i += 4)
		memcpy(&a[(*np)++], &b[i], 4);
	return 0;
}

static int
get_u32(const OptionPtr &o, uint32_t *v, char *err)
{
	std::vector<uint8_t> b = o->toBinary(false);

	if (b.size() != 4)
		return fail(err, EBADMSG, "option %u: length %zu != 4",
			    o->getType(), b.size());
	*v = get32(b.data());
	return 0;
}

static int
parse_one(const OptionPtr &o, struct esg_dhcp4_msg *m, char *err)
{
	std::vector<uint8_t> b;
	unsigned n = 0;

	switch (o->getType()) {
	case DHO_SUBNET_MASK:
		m->present |= ESG_DHCP4_HAS_MASK;
		return addr_list(o, &m->mask, &n, err);
	case DHO_ROUTERS:
		return addr_list(o, m->routers, &m->n_routers, err);
	case DHO_DOMAIN_NAME_SERVERS:
		return addr_list(o, m->dns, &m->n_dns, err);
	case DHO_LOG_SERVERS:
		return addr_list(o, m->log, &m->n_log, err);
	case DHO_DHCP_REQUESTED_ADDRESS:
		m->present |= ESG_DHCP4_HAS_REQ_IP;
		return addr_list(o, &m->req_ip, &n, err);
	case DHO_DHCP_SERVER_IDENTIFIER:
		m->present |= ESG_DHCP4_HAS_SERVER_ID;
		return addr_list(o, &m->server_id, &n, err);
	case DHO_DHCP_LEASE_TIME:
		m->present |= ESG_DHCP4_HAS_LEASE;
		return get_u32(o, &m->lease, err);
	case DHO_DHCP_RENEWAL_TIME:
		m->present |= ESG_DHCP4_HAS_T1;
		return get_u32(o, &m->t1, err);
	case DHO_DHCP_REBINDING_TIME:
		m->present |= ESG_DHCP4_HAS_T2;
		return get_u32(o, &m->t2, err);
	default:
		break;
	}
	b = o->toBinary(false);
	switch (o->getType()) {
	case DHO_HOST_NAME:
		m->present |= ESG_DHCP4_HAS_HOSTNAME;
		copy_str(m->hostname, sizeof(m->hostname), b.data(), b.size());
		break;
	case DHO_DOMAIN_NAME:
		m->present |= ESG_DHCP4_HAS_DOMAIN;
		copy_str(m->domain, sizeof(m->domain), b.data(), b.size());
		break;
	case DHO_DHCP_MESSAGE:
		m->present |= ESG_DHCP4_HAS_MESSAGE;
		copy_str(m->message, sizeof(m->message), b.data(), b.size());
		break;
	case DHO_DHCP_PARAMETER_REQUEST_LIST:
		m->n_prl = std::min<size_t>(b.size(), ESG_DHCP_MAX_ORO);
		copy_mem(m->prl, b.data(), m->n_prl);
		break;
	case DHO_VENDOR_CLASS_IDENTIFIER:
		m->present |= ESG_DHCP4_HAS_VENDOR_CLASS;
		m->vendor_class_len = (uint16_t)b.size();
		copy_mem(m->vendor_class, b.data(), b.size());
		break;
	case DHO_DHCP_CLIENT_IDENTIFIER:
		m->present |= ESG_DHCP4_HAS_CLIENT_ID;
		m->client_id_len =
			(uint16_t)std::min<size_t>(b.size(), ESG_DHCP_MAX_ID);
		copy_mem(m->client_id, b.data(), m->client_id_len);
		break;
	case DHO_VENDOR_ENCAPSULATED_OPTIONS:
		m->present |= ESG_DHCP4_HAS_VENDOR_ENC;
		return decode_subopts(b, &m->vendor_enc, "option 43", err);
	case 122:
		m->present |= ESG_DHCP4_HAS_CCC;
		if (decode_subopts(b, &m->ccc.all, "option 122", err) != 0)
			return EBADMSG;
		return decode_ccc(&m->ccc, err);
	default: /* options the ESG does not use */
		break;
	}
	return 0;
}

/* RFC 3925 4: option 125 holds one block per enterprise; keep 4491's. */
static int
parse_vivso(const OptionPtr &o, struct esg_dhcp4_msg *m, char *err)
{
	OptionVendorPtr v = boost::dynamic_pointer_cast<OptionVendor>(o);

	if (!v || v->getVendorId() != ESG_DHCP_ENTERPRISE_CL)
		return 0;
	m->present |= ESG_DHCP4_HAS_VIVSO;
	for (const auto &s : v->getOptions()) {
		std::vector<uint8_t> b = s.second->toBinary(false);

		if (esg_dhcp_subopt_add(&m->vivso, s.second->getType(),
					b.data(), b.size()) != 0)
			return fail(err, ENOSPC,
				    "option 125: too many or too "
				    "long sub-options");
	}
	return 0;
}

static int
parse_pkt(Pkt4 &p, struct esg_dhcp4_msg *m, char *err)
{
	std::vector<uint8_t> sn = p.getSname(), fi = p.getFile();
	HWAddrPtr hw = p.getHWAddr();
	int e;

	m->type = p.getType();
	m->xid = p.getTransid();
	m->secs = p.getSecs();
	m->flags = p.getFlags();
	m->ciaddr = from_v4(p.getCiaddr());
	m->yiaddr = from_v4(p.getYiaddr());
	m->siaddr = from_v4(p.getSiaddr());
	m->giaddr = from_v4(p.getGiaddr());
	if (hw) {
		m->htype = (uint8_t)hw->htype_;
		m->hlen = (uint8_t)std::min<size_t>(hw->hwaddr_.size(), 16);
		copy_mem(m->chaddr, hw->hwaddr_.data(), m->hlen);
	}
	copy_str(m->sname, sizeof(m->sname), sn.data(),
		 strnlen((const char *)sn.data(), sn.size()));
	copy_str(m->file, sizeof(m->file), fi.data(),
		 strnlen((const char *)fi.data(), fi.size()));
	for (const auto &it : p.options_) {
		if (it.first == DHO_VIVSO_SUBOPTIONS)
			e = parse_vivso(it.second, m, err);
		else
			e = parse_one(it.second, m, err);
		if (e != 0)
			return e;
	}
	return 0;
}

} // namespace esg_dhcp

using namespace esg_dhcp;

extern "C" int
esg_dhcp4_build(const struct esg_dhcp4_msg *m, uint8_t *buf, size_t cap,
		size_t *lenp, char *err)
{
	try {
		Pkt4 p(m->type, m->xid);
		int e;

		if (m->type < ESG_DHCP4_DISCOVER || m->type > ESG_DHCP4_INFORM)
			return fail(err, EINVAL, "message type %u", m->type);
		if (m->hlen > 16)
			return fail(err, EINVAL, "hlen %u > 16", m->hlen);
		p.setSecs(m->secs);
		p.setFlags(m->flags);
		p.setCiaddr(v4(m->ciaddr));
		p.setYiaddr(v4(m->yiaddr));
		p.setSiaddr(v4(m->siaddr));
		p.setGiaddr(v4(m->giaddr));
		p.setHWAddr(
			m->htype, m->hlen,
			std::vector<uint8_t>(m->chaddr, m->chaddr + m->hlen));
		p.setSname((const uint8_t *)m->sname,
			   strnlen(m->sname, sizeof(m->sname) - 1));
		p.setFile((const uint8_t *)m->file,
			  strnlen(m->file, sizeof(m->file) - 1));
		build_opts(m, p);
		if ((e = build_vendor(m, p, err)) != 0)
			return e;
		p.pack();
		const isc::util::OutputBuffer &ob = p.getBuffer();
		if (ob.getLength() > cap)
			return fail(err, ENOSPC, "packet %zu > buffer %zu",
				    ob.getLength(), cap);
		memcpy(buf, ob.getData(), ob.getLength());
		*lenp = ob.getLength();
		return 0;
	} catch (const std::exception &ex) {
		return fail(err, EINVAL, "build: %s", ex.what());
	}
}

extern "C" int
esg_dhcp4_parse(const uint8_t *buf, size_t len, struct esg_dhcp4_msg *m,
		char *err)
{
	/* RFC 2131 2: 236 fixed bytes, then the magic cookie (RFC 2131 3) */
	const size_t opts = 236 + 4;

	memset(m, 0, sizeof(*m));
	if (len < opts)
		return fail(err, EBADMSG, "%zu bytes < %zu (header + cookie)",
			    len, opts);
	if (get32(buf + 236) != 0x63825363)
		return fail(err, EBADMSG, "no magic cookie");
	if (walk4(buf + opts, len - opts, err) != 0)
		return EBADMSG;
	try {
		Pkt4 p(buf, len);

		p.unpack();
		if (p.getType() < ESG_DHCP4_DISCOVER ||
		    p.getType() > ESG_DHCP4_INFORM)
			return fail(err, EBADMSG, "message type %u",
				    p.getType());
		return parse_pkt(p, m, err);
	} catch (const std::exception &ex) {
		return fail(err, EBADMSG, "kea: %s", ex.what());
	}
}
