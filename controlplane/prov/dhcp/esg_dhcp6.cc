/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DHCPv6 build and parse over Kea's Pkt6 (RFC 8415 8 message format,
 * RFC 3315 for PKT-EUE-PROV 6.3.4.3). Kea frames the packet and decodes
 * the options it defines (IA_NA, IAADDR, FQDN RFC 4704, DNS RFC 3646,
 * vendor class / opts with the docsis3-v6 space, AFTR name RFC 6334,
 * softwire containers RFC 7598); this file maps them to struct
 * esg_dhcp6_msg and decodes CL_OPTION_CCCV6 (2171), which Kea does not.
 */
#include <arpa/inet.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>

#include <dhcp/dhcp6.h>
#include <dhcp/docsis3_option_defs.h>
#include <dhcp/opaque_data_tuple.h>
#include <dhcp/option6_addrlst.h>
#include <dhcp/option6_client_fqdn.h>
#include <dhcp/option6_ia.h>
#include <dhcp/option6_iaaddr.h>
#include <dhcp/option6_status_code.h>
#include <dhcp/option_custom.h>
#include <dhcp/option_int.h>
#include <dhcp/option_int_array.h>
#include <dhcp/option_string.h>
#include <dhcp/option_vendor.h>
#include <dhcp/option_vendor_class.h>
#include <dhcp/pkt6.h>

#include "esg_dhcp_priv.h"

using namespace isc::dhcp;
using isc::asiolink::IOAddress;

namespace esg_dhcp
{

#define CL_CCCV6 2171 /* CL_OPTION_CCCV6, CL-CANN-DHCP-Reg */

static IOAddress
v6(const struct in6_addr &a)
{
	return IOAddress::fromBytes(AF_INET6, a.s6_addr);
}

static void
to6(const IOAddress &a, struct in6_addr *o)
{
	std::vector<uint8_t> b = a.toBytes();

	memset(o, 0, sizeof(*o));
	if (b.size() == 16)
		memcpy(o->s6_addr, b.data(), 16);
}

static OptionPtr
addrs6(uint16_t code, const struct in6_addr *a, unsigned n)
{
	Option6AddrLst::AddressContainer c;

	for (unsigned i = 0; i < n && i < ESG_DHCP_MAX_ADDRS; i++)
		c.push_back(v6(a[i]));
	return OptionPtr(new Option6AddrLst(code, c));
}

static OptionPtr
u16array(uint16_t code, const uint16_t *v, unsigned n)
{
	OptionUint16ArrayPtr o(new OptionUint16Array(Option::V6, code));

	o->setValues(std::vector<uint16_t>(
		v, v + std::min<unsigned>(n, ESG_DHCP_MAX_ORO)));
	return o;
}

static OptionPtr
raw6(uint16_t code, const uint8_t *d, size_t len)
{
	return OptionPtr(
		new Option(Option::V6, code, OptionBuffer(d, d + len)));
}

/* ---------------------------------------------------------- build */

static OptionPtr
build_ia(const struct esg_dhcp6_ia_na *ia)
{
	Option6IAPtr o(new Option6IA(D6O_IA_NA, ia->iaid));

	o->setT1(ia->t1);
	o->setT2(ia->t2);
	for (unsigned i = 0; i < ia->n_addr && i < ESG_DHCP_MAX_ADDRS; i++) {
		const struct esg_dhcp6_iaaddr *a = &ia->addr[i];
		OptionPtr ao(new Option6IAAddr(D6O_IAADDR, v6(a->addr),
					       a->preferred, a->valid));

		if (a->status >= 0)
			ao->addOption(OptionPtr(new Option6StatusCode(
				(uint16_t)a->status, "")));
		o->addOption(ao);
	}
	if (ia->status >= 0)
		o->addOption(OptionPtr(
			new Option6StatusCode((uint16_t)ia->status, "")));
	return o;
}

/* CL-CANN-DHCP-Reg CL_OPTION_CCCV6: sub-options with 2-byte code and
 * length; kept raw in cccv6.all. */
static OptionPtr
build_cccv6(const struct esg_dhcp6_cccv6 *c)
{
	OptionBuffer b;

	for (unsigned i = 0; i < c->all.n && i < ESG_DHCP_MAX_SUBOPTS; i++) {
		put16(b, c->all.o[i].code);
		put16(b, c->all.o[i].len);
		b.insert(b.end(), c->all.o[i].data,
			 c->all.o[i].data + c->all.o[i].len);
	}
	return OptionPtr(new Option(Option::V6, CL_CCCV6, b));
}

static OptionPtr
build_cl(const struct esg_dhcp6_cl *cl)
{
	OptionVendorPtr v(new OptionVendor(Option::V6, ESG_DHCP_ENTERPRISE_CL));

	if (cl->present & ESG_CL_HAS_ORO)
		v->addOption(u16array(DOCSIS3_V6_ORO, cl->oro, cl->n_oro));
	if (cl->present & ESG_CL_HAS_DEVICE_TYPE)
		v->addOption(OptionPtr(new OptionString(
			Option::V6, DOCSIS3_V6_DEVICE_TYPE, cl->device_type)));
	if (cl->n_tftp > 0)
		v->addOption(
			addrs6(DOCSIS3_V6_TFTP_SERVERS, cl->tftp, cl->n_tftp));
	if (cl->present & ESG_CL_HAS_CONFIG_FILE)
		v->addOption(OptionPtr(new OptionString(
			Option::V6, DOCSIS3_V6_CONFIG_FILE, cl->config_file)));
	if (cl->n_syslog > 0)
		v->addOption(addrs6(DOCSIS3_V6_SYSLOG_SERVERS, cl->syslog,
				    cl->n_syslog));
	if (cl->present & ESG_CL_HAS_CCCV6)
		v->addOption(build_cccv6(&cl->cccv6));
	for (unsigned i = 0; i < cl->other.n && i < ESG_DHCP_MAX_SUBOPTS; i++)
		v->addOption(raw6(cl->other.o[i].code, cl->other.o[i].data,
				  cl->other.o[i].len));
	return v;
}

static void
put_prefix(OptionBuffer &b, uint8_t len, const struct in6_addr &p)
{
	/* RFC 7598 4.1: the prefix in ceil(len / 8) bytes */
	b.push_back(len);
	b.insert(b.end(), p.s6_addr, p.s6_addr + (len + 7u) / 8u);
}

static void
put_portparams(OptionBuffer &b, const struct esg_s46_portparams *pp)
{
	/* RFC 7598 4.5: S46_PORTPARAMS, offset, PSID-len, PSID; the PSID's
	 * psid_len bits are left-aligned in its 16-bit field */
	uint16_t w = pp->psid_len == 0 || pp->psid_len > 16
			     ? 0
			     : (uint16_t)(pp->psid << (16 - pp->psid_len));

	put16(b, D6O_S46_PORTPARAMS);
	put16(b, 4);
	b.push_back(pp->offset);
	b.push_back(pp->psid_len);
	put16(b, w);
}

/* RFC 7598 4: softwire containers encoded here and decoded by Kea's
 * definitions on parse, so each round trip checks one against the
 * other. */
static int
build_s46(const struct esg_s46_cont *c, Pkt6 &p, char *err)
{
	OptionBuffer b;

	if (c->kind != ESG_S46_MAPE && c->kind != ESG_S46_MAPT &&
	    c->kind != ESG_S46_LW)
		return fail(err, EINVAL, "softwire container %u", c->kind);
	for (unsigned i = 0; i < c->n_rules && i < ESG_S46_MAX_RULES; i++) {
		const struct esg_s46_rule *r = &c->rules[i];
		OptionBuffer rb;

		if (r->prefix6_len > 128 || r->prefix4_len > 32)
			return fail(err, EINVAL, "s46 rule prefix length");
		rb.push_back(r->flags);
		rb.push_back(r->ea_len);
		rb.push_back(r->prefix4_len);
		rb.insert(rb.end(), (const uint8_t *)&r->prefix4,
			  (const uint8_t *)&r->prefix4 + 4);
		put_prefix(rb, r->prefix6_len, r->prefix6);
		if (r->has_portparams)
			put_portparams(rb, &r->portparams);
		put16(b, D6O_S46_RULE);
		put16(b, (uint16_t)rb.size());
		b.insert(b.end(), rb.begin(), rb.end());
	}
	for (unsigned i = 0; i < c->n_br && i < ESG_DHCP_MAX_ADDRS; i++) {
		put16(b, D6O_S46_BR);
		put16(b, 16);
		b.insert(b.end(), c->br[i].s6_addr, c->br[i].s6_addr + 16);
	}
	if (c->has_dmr) {
		if (c->dmr_len > 128)
			return fail(err, EINVAL, "s46 DMR prefix length");
		put16(b, D6O_S46_DMR);
		put16(b, (uint16_t)(1 + (c->dmr_len + 7u) / 8u));
		put_prefix(b, c->dmr_len, c->dmr);
	}
	if (c->has_v4v6bind) {
		OptionBuffer bb;

		if (c->bind_prefix6_len > 128)
			return fail(err, EINVAL, "s46 bind prefix length");
		bb.insert(bb.end(), (const uint8_t *)&c->bind_v4,
			  (const uint8_t *)&c->bind_v4 + 4);
		put_prefix(bb, c->bind_prefix6_len, c->bind_prefix6);
		if (c->bind_has_portparams)
			put_portparams(bb, &c->bind_portparams);
		put16(b, D6O_S46_V4V6BIND);
		put16(b, (uint16_t)bb.size());
		b.insert(b.end(), bb.begin(), bb.end());
	}
	p.addOption(raw6(c->kind, b.data(), b.size()));
	return 0;
}

static int
build_opts(const struct esg_dhcp6_msg *m, Pkt6 &p, char *err)
{
	uint32_t f = m->present;

	if (m->client_id_len > 0)
		p.addOption(raw6(D6O_CLIENTID, m->client_id, m->client_id_len));
	if (m->server_id_len > 0)
		p.addOption(raw6(D6O_SERVERID, m->server_id, m->server_id_len));
	for (unsigned i = 0; i < m->n_ia && i < ESG_DHCP6_MAX_IA; i++)
		p.addOption(build_ia(&m->ia[i]));
	if (m->n_oro > 0)
		p.addOption(u16array(D6O_ORO, m->oro, m->n_oro));
	if (f & ESG_DHCP6_HAS_PREFERENCE)
		p.addOption(OptionPtr(new OptionInt<uint8_t>(
			Option::V6, D6O_PREFERENCE, m->preference)));
	if (f & ESG_DHCP6_HAS_ELAPSED)
		p.addOption(OptionPtr(new OptionInt<uint16_t>(
			Option::V6, D6O_ELAPSED_TIME, m->elapsed)));
	if (f & ESG_DHCP6_HAS_STATUS)
		p.addOption(OptionPtr(
			new Option6StatusCode(m->status, m->status_msg)));
	if (f & ESG_DHCP6_HAS_RAPID_COMMIT)
		p.addOption(
			OptionPtr(new Option(Option::V6, D6O_RAPID_COMMIT)));
	if (f & ESG_DHCP6_HAS_RECONF_ACCEPT)
		p.addOption(
			OptionPtr(new Option(Option::V6, D6O_RECONF_ACCEPT)));
	if (m->n_dns > 0)
		p.addOption(addrs6(D6O_NAME_SERVERS, m->dns, m->n_dns));
	if (f & ESG_DHCP6_HAS_FQDN) {
		size_t l = strnlen(m->fqdn, sizeof(m->fqdn) - 1);

		/* RFC 4704 4.1: empty name allowed (PKT-EUE-PROV eUE-1) */
		if (l == 0)
			p.addOption(OptionPtr(new Option6ClientFqdn(
				m->fqdn_flags & Option6ClientFqdn::FLAG_MASK)));
		else
			p.addOption(OptionPtr(new Option6ClientFqdn(
				m->fqdn_flags & Option6ClientFqdn::FLAG_MASK,
				std::string(m->fqdn, l),
				m->fqdn[l - 1] == '.'
					? Option6ClientFqdn::FULL
					: Option6ClientFqdn::PARTIAL)));
	}
	if (f & ESG_DHCP6_HAS_VENDOR_CLASS) {
		OptionVendorClassPtr vc(new OptionVendorClass(
			Option::V6, ESG_DHCP_ENTERPRISE_CL));
		OpaqueDataTuple t(OpaqueDataTuple::LENGTH_2_BYTES);

		t.assign((const char *)m->vendor_class, m->vendor_class_len);
		vc->addTuple(t);
		p.addOption(vc);
	}
	if (f & ESG_DHCP6_HAS_VENDOR_OPTS)
		p.addOption(build_cl(&m->cl));
	if (f & ESG_DHCP6_HAS_AFTR) {
		std::vector<uint8_t> n;

		if (dns_encode(m->aftr_name, n) != 0)
			return fail(err, EINVAL, "AFTR name \"%s\"",
				    m->aftr_name);
		p.addOption(raw6(D6O_AFTR_NAME, n.data(), n.size()));
	}
	for (unsigned i = 0; i < m->n_s46 && i < ESG_S46_MAX_CONT; i++) {
		int e = build_s46(&m->s46[i], p, err);
		if (e != 0)
			return e;
	}
	return 0;
}

/* ---------------------------------------------------------- parse */

static int16_t
status_of(const OptionPtr &o)
{
	OptionPtr s = o->getOption(D6O_STATUS_CODE);
	std::vector<uint8_t> b;

	if (!s)
		return -1;
	b = s->toBinary(false);
	return b.size() >= 2 ? (int16_t)get16(b.data()) : -1;
}

static int
parse_ia(const OptionPtr &o, struct esg_dhcp6_msg *m, char *err)
{
	Option6IAPtr ia = boost::dynamic_pointer_cast<Option6IA>(o);
	struct esg_dhcp6_ia_na *d;

	if (!ia)
		return fail(err, EBADMSG, "IA_NA not decoded");
	if (m->n_ia >= ESG_DHCP6_MAX_IA)
		return 0; /* the ESG asks for one IA_NA; extra ones unused */
	d = &m->ia[m->n_ia++];
	d->iaid = ia->getIAID();
	d->t1 = ia->getT1();
	d->t2 = ia->getT2();
	d->status = status_of(o);
	for (const auto &s : ia->getOptions()) {
		Option6IAAddrPtr a;

		if (s.first != D6O_IAADDR || d->n_addr >= ESG_DHCP_MAX_ADDRS)
			continue;
		a = boost::dynamic_pointer_cast<Option6IAAddr>(s.second);
		if (!a)
			return fail(err, EBADMSG, "IAADDR not decoded");
		to6(a->getAddress(), &d->addr[d->n_addr].addr);
		d->addr[d->n_addr].preferred = a->getPreferred();
		d->addr[d->n_addr].valid = a->getValid();
		d->addr[d->n_addr].status = status_of(s.second);
		d->n_addr++;
	}
	return 0;
}

static int
addrs_of(const OptionPtr &o, struct in6_addr *a, unsigned *np, char *err)
{
	Option6AddrLstPtr l = boost::dynamic_pointer_cast<Option6AddrLst>(o);

	if (!l)
		return fail(err, EBADMSG, "option %u: not an address list",
			    o->getType());
	*np = 0;
	for (const auto &x : l->getAddresses())
		if (*np < ESG_DHCP_MAX_ADDRS)
			to6(x, &a[(*np)++]);
	return 0;
}

static int
parse_dss_id(const struct esg_dhcp_subopt *o, uint8_t *dst, uint16_t *lenp)
{
	/* PKT-EUE-PROV 6.4.1.4: only the first 32 bytes count */
	*lenp = o->len;
	memcpy(dst, o->data, std::min<size_t>(o->len, ESG_DHCP_DSS_ID_MAX));
	return 0;
}

static int
parse_cccv6(const std::vector<uint8_t> &b, struct esg_dhcp6_cccv6 *c, char *err)
{
	size_t off = 0;

	while (off < b.size()) {
		const struct esg_dhcp_subopt *o;
		uint16_t code, len;

		if (off + 4 > b.size() ||
		    off + 4 + get16(&b[off + 2]) > b.size())
			return fail(err, EBADMSG,
				    "CCCv6 sub-option at %zu truncated", off);
		code = get16(&b[off]);
		len = get16(&b[off + 2]);
		if (esg_dhcp_subopt_add(&c->all, code, &b[off + 4], len) != 0)
			return fail(err, EBADMSG,
				    "CCCv6: too many or too long");
		off += 4 + (size_t)len;
		o = &c->all.o[c->all.n - 1];
		switch (code) {
		case 1:
			c->present |= ESG_CCCV6_HAS_PRIMARY;
			parse_dss_id(o, c->primary, &c->primary_len);
			break;
		case 2:
			c->present |= ESG_CCCV6_HAS_SECONDARY;
			parse_dss_id(o, c->secondary, &c->secondary_len);
			break;
		case 3: /* 2-byte type: 0 FQDN, 1 IPv6 address */
			if (len < 2)
				return fail(err, EBADMSG, "CCCv6.3 short");
			c->prov_type = get16(o->data);
			if (c->prov_type == 1 && len == 18)
				memcpy(&c->prov_addr, o->data + 2, 16);
			else if (c->prov_type != 0 ||
				 dns_decode(o->data + 2, len - 2u, c->prov_fqdn,
					    sizeof(c->prov_fqdn)) != 0)
				return fail(err, EBADMSG,
					    "CCCv6.3: bad server");
			c->present |= ESG_CCCV6_HAS_PROV_SERVER;
			break;
		case 6:
			if (dns_decode(o->data, len, c->realm,
				       sizeof(c->realm)) != 0)
				return fail(err, EBADMSG, "CCCv6.6: bad realm");
			c->present |= ESG_CCCV6_HAS_REALM;
			break;
		default: /* kept raw in c->all */
			break;
		}
	}
	return 0;
}

static int
parse_cl(const OptionPtr &o, struct esg_dhcp6_msg *m, char *err)
{
	OptionVendorPtr v = boost::dynamic_pointer_cast<OptionVendor>(o);
	struct esg_dhcp6_cl *cl = &m->cl;

	if (!v || v->getVendorId() != ESG_DHCP_ENTERPRISE_CL)
		return 0; /* another enterprise's options */
	m->present |= ESG_DHCP6_HAS_VENDOR_OPTS;
	for (const auto &s : v->getOptions()) {
		std::vector<uint8_t> b = s.second->toBinary(false);
		int e = 0;

		switch (s.first) {
		case DOCSIS3_V6_ORO:
			cl->present |= ESG_CL_HAS_ORO;
			for (size_t i = 0;
			     i + 2 <= b.size() && cl->n_oro < ESG_DHCP_MAX_ORO;
			     i += 2)
				cl->oro[cl->n_oro++] = get16(&b[i]);
			break;
		case DOCSIS3_V6_DEVICE_TYPE:
			cl->present |= ESG_CL_HAS_DEVICE_TYPE;
			copy_str(cl->device_type, sizeof(cl->device_type),
				 b.data(), b.size());
			break;
		case DOCSIS3_V6_CONFIG_FILE:
			cl->present |= ESG_CL_HAS_CONFIG_FILE;
			copy_str(cl->config_file, sizeof(cl->config_file),
				 b.data(), b.size());
			break;
		case DOCSIS3_V6_TFTP_SERVERS:
			e = addrs_of(s.second, cl->tftp, &cl->n_tftp, err);
			break;
		case DOCSIS3_V6_SYSLOG_SERVERS:
			e = addrs_of(s.second, cl->syslog, &cl->n_syslog, err);
			break;
		case CL_CCCV6:
			cl->present |= ESG_CL_HAS_CCCV6;
			e = parse_cccv6(b, &cl->cccv6, err);
			break;
		default:
			if (esg_dhcp_subopt_add(&cl->other, s.first, b.data(),
						b.size()) != 0)
				e = fail(err, EBADMSG,
					 "option 17: too many sub-options");
			break;
		}
		if (e != 0)
			return e;
	}
	return 0;
}

static void
portparams_of(const OptionPtr &o, struct esg_s46_portparams *pp)
{
	OptionCustomPtr c = boost::dynamic_pointer_cast<OptionCustom>(o);
	PSIDTuple t = c->readPsid(1);

	pp->offset = c->readInteger<uint8_t>(0);
	pp->psid_len = t.first.asUint8();
	pp->psid = t.second.asUint16();
}

static int
parse_s46(const OptionPtr &o, struct esg_dhcp6_msg *m, char *err)
{
	struct esg_s46_cont *d;

	if (m->n_s46 >= ESG_S46_MAX_CONT)
		return fail(err, EBADMSG, "more than %d softwire containers",
			    ESG_S46_MAX_CONT);
	d = &m->s46[m->n_s46++];
	d->kind = o->getType();
	for (const auto &s : o->getOptions()) {
		OptionCustomPtr c =
			boost::dynamic_pointer_cast<OptionCustom>(s.second);

		if (!c)
			return fail(err, EBADMSG, "s46 option %u not decoded",
				    s.first);
		if (s.first == D6O_S46_RULE && d->n_rules < ESG_S46_MAX_RULES) {
			struct esg_s46_rule *r = &d->rules[d->n_rules++];
			PrefixTuple p6 = c->readPrefix(4);
			OptionPtr pp = c->getOption(D6O_S46_PORTPARAMS);

			r->flags = c->readInteger<uint8_t>(0);
			r->ea_len = c->readInteger<uint8_t>(1);
			r->prefix4_len = c->readInteger<uint8_t>(2);
			r->prefix4.s_addr = htonl(c->readAddress(3).toUint32());
			r->prefix6_len = p6.first.asUint8();
			to6(p6.second, &r->prefix6);
			if (pp) {
				r->has_portparams = 1;
				portparams_of(pp, &r->portparams);
			}
		} else if (s.first == D6O_S46_BR &&
			   d->n_br < ESG_DHCP_MAX_ADDRS) {
			to6(c->readAddress(0), &d->br[d->n_br++]);
		} else if (s.first == D6O_S46_DMR) {
			PrefixTuple p = c->readPrefix(0);

			d->has_dmr = 1;
			d->dmr_len = p.first.asUint8();
			to6(p.second, &d->dmr);
		} else if (s.first == D6O_S46_V4V6BIND) {
			PrefixTuple p = c->readPrefix(1);
			OptionPtr pp = c->getOption(D6O_S46_PORTPARAMS);

			d->has_v4v6bind = 1;
			d->bind_v4.s_addr = htonl(c->readAddress(0).toUint32());
			d->bind_prefix6_len = p.first.asUint8();
			to6(p.second, &d->bind_prefix6);
			if (pp) {
				d->bind_has_portparams = 1;
				portparams_of(pp, &d->bind_portparams);
			}
		}
	}
	return 0;
}

static int
parse_fqdn(const OptionPtr &o, struct esg_dhcp6_msg *m, char *err)
{
	Option6ClientFqdnPtr f =
		boost::dynamic_pointer_cast<Option6ClientFqdn>(o);
	static const uint8_t flags[] = {Option6ClientFqdn::FLAG_S,
					Option6ClientFqdn::FLAG_O,
					Option6ClientFqdn::FLAG_N};

	if (!f)
		return fail(err, EBADMSG, "FQDN not decoded");
	m->present |= ESG_DHCP6_HAS_FQDN;
	for (uint8_t fl : flags)
		if (f->getFlag(fl))
			m->fqdn_flags |= fl;
	copy_str(m->fqdn, sizeof(m->fqdn), f->getDomainName());
	return 0;
}

static int
parse_one(const OptionPtr &o, struct esg_dhcp6_msg *m, char *err)
{
	std::vector<uint8_t> b;

	switch (o->getType()) {
	case D6O_IA_NA:
		return parse_ia(o, m, err);
	case D6O_NAME_SERVERS:
		return addrs_of(o, m->dns, &m->n_dns, err);
	case D6O_CLIENT_FQDN:
		return parse_fqdn(o, m, err);
	case D6O_VENDOR_OPTS:
		return parse_cl(o, m, err);
	case D6O_S46_CONT_MAPE:
	case D6O_S46_CONT_MAPT:
	case D6O_S46_CONT_LW:
		return parse_s46(o, m, err);
	case D6O_AFTR_NAME:
		/* RFC 6334 3: one fully qualified name in wire form. Kea
		 * checks the name; the shim decodes the bytes itself so a
		 * label with a NUL or '.' is refused, not escaped. */
		b = o->toBinary(false);
		if (b.empty() || b.back() != 0 ||
		    dns_decode(b.data(), b.size(), m->aftr_name,
			       sizeof(m->aftr_name)) != 0)
			return fail(err, EBADMSG, "AFTR name malformed");
		m->present |= ESG_DHCP6_HAS_AFTR;
		return 0;
	default:
		break;
	}
	b = o->toBinary(false);
	switch (o->getType()) {
	case D6O_CLIENTID:
	case D6O_SERVERID: {
		uint16_t *lp = o->getType() == D6O_CLIENTID ? &m->client_id_len
							    : &m->server_id_len;
		uint8_t *d = o->getType() == D6O_CLIENTID ? m->client_id
							  : m->server_id;

		/* RFC 8415 11.1: a DUID is at most 128 bytes */
		if (b.size() < 2 || b.size() > ESG_DHCP_MAX_ID)
			return fail(err, EBADMSG, "DUID length %zu", b.size());
		*lp = (uint16_t)b.size();
		copy_mem(d, b.data(), b.size());
		break;
	}
	case D6O_ORO:
		for (size_t i = 0;
		     i + 2 <= b.size() && m->n_oro < ESG_DHCP_MAX_ORO; i += 2)
			m->oro[m->n_oro++] = get16(&b[i]);
		break;
	case D6O_PREFERENCE:
		if (b.size() != 1)
			return fail(err, EBADMSG, "preference length");
		m->present |= ESG_DHCP6_HAS_PREFERENCE;
		m->preference = b[0];
		break;
	case D6O_ELAPSED_TIME:
		if (b.size() != 2)
			return fail(err, EBADMSG, "elapsed time length");
		m->present |= ESG_DHCP6_HAS_ELAPSED;
		m->elapsed = get16(b.data());
		break;
	case D6O_STATUS_CODE:
		if (b.size() < 2)
			return fail(err, EBADMSG, "status code length");
		m->present |= ESG_DHCP6_HAS_STATUS;
		m->status = get16(b.data());
		copy_str(m->status_msg, sizeof(m->status_msg), b.data() + 2,
			 b.size() - 2);
		break;
	case D6O_RAPID_COMMIT:
		m->present |= ESG_DHCP6_HAS_RAPID_COMMIT;
		break;
	case D6O_RECONF_ACCEPT:
		m->present |= ESG_DHCP6_HAS_RECONF_ACCEPT;
		break;
	case D6O_VENDOR_CLASS: { /* RFC 8415 21.16: enterprise, tuples */
		OptionVendorClassPtr vc =
			boost::dynamic_pointer_cast<OptionVendorClass>(o);

		if (!vc || vc->getVendorId() != ESG_DHCP_ENTERPRISE_CL ||
		    vc->getTuplesNum() == 0)
			break;
		OpaqueDataTuple::Buffer t = vc->getTuple(0).getData();
		m->present |= ESG_DHCP6_HAS_VENDOR_CLASS;
		m->vendor_class_len = (uint16_t)std::min<size_t>(
			t.size(), ESG_DHCP_MAX_OPTLEN);
		copy_mem(m->vendor_class, t.data(), m->vendor_class_len);
		break;
	}
	default: /* options the ESG does not use */
		break;
	}
	return 0;
}

} // namespace esg_dhcp

using namespace esg_dhcp;

extern "C" int
esg_dhcp6_build(const struct esg_dhcp6_msg *m, uint8_t *buf, size_t cap,
		size_t *lenp, char *err)
{
	if (m->type < ESG_DHCP6_SOLICIT || m->type > ESG_DHCP6_INFO_REQUEST)
		return fail(err, EINVAL, "message type %u", m->type);
	try {
		Pkt6 p(m->type, m->xid & 0xffffff);
		int e;

		if ((e = build_opts(m, p, err)) != 0)
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
esg_dhcp6_parse(const uint8_t *buf, size_t len, struct esg_dhcp6_msg *m,
		char *err)
{
	memset(m, 0, sizeof(*m));
	/* RFC 8415 8: msg-type, transaction-id (3 bytes), options */
	if (len < 4)
		return fail(err, EBADMSG, "%zu bytes < 4", len);
	if (buf[0] < ESG_DHCP6_SOLICIT || buf[0] > ESG_DHCP6_INFO_REQUEST)
		return fail(err, EBADMSG, "message type %u", buf[0]);
	if (walk6(buf + 4, len - 4, 0, err) != 0)
		return EBADMSG;
	try {
		Pkt6 p(buf, (uint32_t)len);

		p.unpack();
		m->type = p.getType();
		m->xid = p.getTransid();
		for (const auto &it : p.options_) {
			int e = parse_one(it.second, m, err);
			if (e != 0)
				return e;
		}
		return 0;
	} catch (const std::exception &ex) {
		return fail(err, EBADMSG, "kea: %s", ex.what());
	}
}
